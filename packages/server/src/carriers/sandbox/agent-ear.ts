import { decodeMulaw } from '../../pipeline/audio/g711.js';

export interface AgentEarOptions {
  /** RMS (PCM16) at or above which a frame is the agent speaking (default 200, ≈ -44 dBFS). */
  thresholdRms?: number;
  /** Quiet this long after loud frames ends an utterance (default 600 ms: a person's "they're done"). */
  endSilenceMs?: number;
  /** Samples per frame (160 at 8 kHz). */
  frameSamples?: number;
}

/** What a heard frame changed. */
export type EarTransition = 'none' | 'start' | 'end';

/**
 * The callee's ear: hears what the line plays of the agent, one μ-law frame per tick, and turns
 * energy into utterances. A frame is loud when its RMS reaches the threshold; an utterance
 * starts at the first loud frame and ends once `endSilenceMs` has passed without one (so the
 * gaps between words and sentences shorter than that stay inside it). It allocates nothing
 * per frame: one decode buffer per call.
 */
export class AgentEar {
  private readonly pcm: Int16Array;
  private readonly thresholdSquareSum: number;
  private readonly endSilenceMs: number;
  /** True from an utterance's first loud frame until it ends. */
  speaking = false;
  /** Utterances started so far (the current one's number, 1-based). */
  utterances = 0;
  /** Start of the current or last utterance (nominal frame time). */
  startAt = 0;
  /** The last loud frame's time, or -Infinity before any. */
  lastLoudAt = Number.NEGATIVE_INFINITY;
  /** Whether the last frame heard was loud. */
  loud = false;
  /** Mean square of the last frame heard (0 for a tick with nothing played). */
  meanSquare = 0;
  /** Loud frames heard in total × 20 ms. */
  loudMs = 0;

  constructor(options: AgentEarOptions = {}) {
    const { thresholdRms = 200, endSilenceMs = 600, frameSamples = 160 } = options;
    this.pcm = new Int16Array(frameSamples);
    this.thresholdSquareSum = thresholdRms * thresholdRms * frameSamples;
    this.endSilenceMs = endSilenceMs;
  }

  /** One tick: the frame the line played at `at`, or null when the agent sent nothing for it. */
  hear(frame: Uint8Array | null, at: number, frameMs: number): EarTransition {
    let sum = 0;
    if (frame !== null) {
      decodeMulaw(frame, this.pcm);
      const pcm = this.pcm;
      for (let i = 0; i < pcm.length; i++) {
        const s = pcm[i] as number;
        sum += s * s;
      }
    }
    this.meanSquare = sum / this.pcm.length;
    this.loud = sum >= this.thresholdSquareSum;
    if (this.loud) {
      this.lastLoudAt = at;
      this.loudMs += frameMs;
      if (!this.speaking) {
        this.speaking = true;
        this.utterances++;
        this.startAt = at;
        return 'start';
      }
      return 'none';
    }
    if (this.speaking && at - this.lastLoudAt >= this.endSilenceMs) {
      this.speaking = false;
      return 'end';
    }
    return 'none';
  }

  /** End of the current or last utterance: the end of its last loud frame. */
  endOf(frameMs: number): number {
    return this.lastLoudAt + frameMs;
  }
}
