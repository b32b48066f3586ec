import { energy, goertzelCoefficient, goertzelPower } from './goertzel.js';

/**
 * Finds a steady single tone in a band, frame by frame: the answering machine's beep (850–1100 Hz
 * by default; most are 1 kHz, 0.2–1 s) that tells the agent to leave its message now.
 *
 * Each 20 ms frame is tested at every 25 Hz across the band (Goertzel; the 320-sample block
 * resolves 50 Hz, so a tone between two test frequencies loses at most 1 dB). A frame is tonal
 * when one frequency holds ≥ 60% of its energy and it is louder than -45 dBFS: speech spreads its
 * energy over many harmonics and formants and stays far below that share. A tone is consecutive
 * tonal frames within ±50 Hz of each other, lasting at least `minDurationMs`.
 */
export interface ToneDetectorOptions {
  sampleRate?: number;
  minHz?: number;
  maxHz?: number;
  /** Shorter tones are ignored. Default 150. */
  minDurationMs?: number;
}

export interface Tone {
  /** The strongest test frequency, averaged over the tone's frames. */
  frequencyHz: number;
  durationMs: number;
}

const STEP_HZ = 25;
const MIN_SHARE = 0.6;
const MIN_LEVEL_DBFS = -45;

export class ToneDetector {
  private readonly sampleRate: number;
  private readonly minDurationMs: number;
  private readonly frequencies: number[] = [];
  private readonly coefficients: number[] = [];
  private runMs = 0;
  private runFrequencySum = 0;
  private runFrames = 0;
  private lastFrequency = 0;

  constructor(options: ToneDetectorOptions = {}) {
    this.sampleRate = options.sampleRate ?? 16000;
    this.minDurationMs = options.minDurationMs ?? 150;
    const minHz = options.minHz ?? 850;
    const maxHz = options.maxHz ?? 1100;
    for (let f = minHz - STEP_HZ; f <= maxHz + STEP_HZ; f += STEP_HZ) {
      this.frequencies.push(f);
      this.coefficients.push(goertzelCoefficient(f, this.sampleRate));
    }
  }

  /** The tone in progress, if one has lasted `minDurationMs` already. */
  get active(): Tone | null {
    return this.runMs >= this.minDurationMs ? this.current() : null;
  }

  /** One frame; returns the tone that has just ended (after lasting long enough), else null. */
  push(pcm: Int16Array): Tone | null {
    const frameMs = (pcm.length / this.sampleRate) * 1000;
    const frequency = this.tonalFrequency(pcm);
    if (frequency !== null && (this.runFrames === 0 || Math.abs(frequency - this.lastFrequency) <= 2 * STEP_HZ)) {
      this.runMs += frameMs;
      this.runFrames++;
      this.runFrequencySum += frequency;
      this.lastFrequency = frequency;
      return null;
    }
    const ended = this.active;
    this.runMs = 0;
    this.runFrames = 0;
    this.runFrequencySum = 0;
    if (frequency !== null) {
      // A jump to another frequency starts a new tone at once.
      this.runMs = frameMs;
      this.runFrames = 1;
      this.runFrequencySum = frequency;
      this.lastFrequency = frequency;
    }
    return ended;
  }

  private current(): Tone {
    return { frequencyHz: Math.round(this.runFrequencySum / this.runFrames), durationMs: this.runMs };
  }

  private tonalFrequency(pcm: Int16Array): number | null {
    const total = energy(pcm);
    const n = pcm.length;
    if (total === 0 || 10 * Math.log10(total / n / 32768 ** 2) < MIN_LEVEL_DBFS) return null;
    let best = -1;
    let bestPower = 0;
    for (let i = 0; i < this.coefficients.length; i++) {
      const power = goertzelPower(pcm, this.coefficients[i] as number);
      if (power > bestPower) {
        bestPower = power;
        best = i;
      }
    }
    return best >= 0 && (2 * bestPower) / (n * total) >= MIN_SHARE ? (this.frequencies[best] as number) : null;
  }
}
