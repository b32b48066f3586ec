import { VAD_DEFAULTS, type VadEvent, type VadOptions } from './vad.js';

/**
 * The decision shared by both VADs: per-chunk speech probabilities in, speech start/end out,
 * with hysteresis (start at `threshold`, end below `threshold − 0.15`, as Silero's own iterator
 * does) and minimum durations, so a cough is not a turn and a pause between words is not its end.
 */
export class SpeechGate {
  private readonly threshold: number;
  private readonly negThreshold: number;
  private readonly minSpeechMs: number;
  private readonly minSilenceMs: number;
  private readonly emit: (event: VadEvent) => void;
  speaking = false;
  probability = 0;
  private candidateAt: number | null = null;
  private voicedMs = 0;
  private silenceAt: number | null = null;
  private silentMs = 0;

  constructor(options: VadOptions & { emit: (event: VadEvent) => void }) {
    this.threshold = options.threshold ?? VAD_DEFAULTS.threshold;
    this.negThreshold = Math.max(0.01, this.threshold - 0.15);
    this.minSpeechMs = options.minSpeechMs ?? VAD_DEFAULTS.minSpeechMs;
    this.minSilenceMs = options.minSilenceMs ?? VAD_DEFAULTS.minSilenceMs;
    this.emit = options.emit;
  }

  /** One chunk of `durationMs` that started at `startAt` on the clock, with its speech probability. */
  update(probability: number, durationMs: number, startAt: number): void {
    this.probability = probability;
    if (!this.speaking) {
      if (probability >= this.threshold) {
        this.candidateAt ??= startAt;
        this.voicedMs += durationMs;
        if (this.voicedMs >= this.minSpeechMs) {
          const at = this.candidateAt;
          this.speaking = true;
          this.candidateAt = null;
          this.voicedMs = 0;
          this.silenceAt = null;
          this.silentMs = 0;
          this.emit({ type: 'speech_start', at });
        }
      } else if (probability < this.negThreshold) {
        this.candidateAt = null;
        this.voicedMs = 0;
      }
      return;
    }
    if (probability >= this.threshold) {
      this.silenceAt = null;
      this.silentMs = 0;
      return;
    }
    if (probability < this.negThreshold || this.silenceAt !== null) {
      this.silenceAt ??= startAt;
      this.silentMs += durationMs;
      if (this.silentMs >= this.minSilenceMs) {
        const at = this.silenceAt;
        this.speaking = false;
        this.silenceAt = null;
        this.silentMs = 0;
        this.emit({ type: 'speech_end', at });
      }
    }
  }
}
