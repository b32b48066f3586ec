import { encodeMulaw } from '../../pipeline/audio/g711.js';
import type { TimedWord } from '../../pipeline/speech-mark.js';
import { resampleTo8k } from './narrowband.js';
import type { CalleeVoice } from './voice.js';

/** G.711 at 8 kHz: 160 samples, one byte each, per 20 ms frame. */
export const FRAME_MS = 20;
export const FRAME_BYTES = 160;
const RATE = 8000;

/** A line ready for the wire: μ-law, padded with silence to whole frames. Shared by every call that says it. */
export interface RenderedLine {
  readonly text: string;
  /** `frames × 160` bytes of μ-law. */
  readonly mulaw: Uint8Array;
  readonly frames: number;
  /** `frames × 20`. */
  readonly durationMs: number;
  /** Empty for tones (the beep): such frames carry no speech mark. */
  readonly words: readonly TimedWord[];
}

/**
 * Renders callee lines once per carrier and keeps them: encoding happens here, so that during
 * a call a callee frame is a 160-byte copy. Lines are few (a scenario's lines and the scripts
 * tests use); the cache is bounded all the same.
 */
export class LineRenderer {
  private readonly cache = new Map<string, Promise<RenderedLine>>();

  constructor(
    private readonly voice: () => Promise<CalleeVoice>,
    private readonly cacheSize = 512,
  ) {}

  render(text: string): Promise<RenderedLine> {
    const cached = this.cache.get(text);
    if (cached) return cached;
    const rendering = this.voice()
      .then((voice) => voice(text))
      .then((audio) => {
        const pcm = audio.sampleRate === RATE ? audio.pcm : resampleTo8k(audio.pcm, audio.sampleRate);
        return encodeLine(text, pcm, audio.words);
      });
    rendering.catch(() => this.cache.delete(text));
    this.cache.set(text, rendering);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    return rendering;
  }
}

/** Encodes 8 kHz PCM as whole μ-law frames (the last one padded with silence). */
export function encodeLine(text: string, pcm: Int16Array, words: readonly TimedWord[]): RenderedLine {
  const frames = Math.max(1, Math.ceil(pcm.length / FRAME_BYTES));
  const padded = new Int16Array(frames * FRAME_BYTES);
  padded.set(pcm);
  const mulaw = new Uint8Array(padded.length);
  encodeMulaw(padded, mulaw);
  return { text, mulaw, frames, durationMs: frames * FRAME_MS, words };
}

/** A sine beep (an answering machine's tone), with 10 ms ramps so it does not click. */
export function renderBeep(options: { hz: number; ms: number }): RenderedLine {
  const samples = Math.round((options.ms * RATE) / 1000);
  const ramp = RATE / 100;
  const pcm = new Int16Array(samples);
  for (let i = 0; i < samples; i++) {
    const gain = Math.min(1, i / ramp, (samples - 1 - i) / ramp);
    pcm[i] = Math.round(12_000 * gain * Math.sin((2 * Math.PI * options.hz * i) / RATE));
  }
  return encodeLine('', pcm, []);
}

/**
 * One second of a quiet line's background (±12 LSB of noise, ≈ -73 dBFS, far under any speech
 * threshold) as μ-law frames, played in a loop while the callee is silent: a real line is never
 * digitally silent, and a VAD should prove it copes with that.
 */
export function renderComfortNoise(): RenderedLine {
  const pcm = new Int16Array(RATE);
  let state = 0x1234567;
  for (let i = 0; i < pcm.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) | 0;
    pcm[i] = (state >> 24) % 13;
  }
  return encodeLine('', pcm, []);
}
