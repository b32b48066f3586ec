import { energy, goertzelCoefficient, goertzelPower } from './goertzel.js';

/**
 * DTMF (ITU-T Q.23/Q.24): generating digits for the agent's `send_dtmf` when the carrier cannot
 * send them out of band, and detecting the caller's key presses in the audio.
 *
 * Detection per 20 ms frame with Goertzel at the eight frequencies. A frame holds a digit when
 * the strongest row and the strongest column tone together carry ≥ 60% of the frame's energy,
 * each is ≥ 6 dB above the runner-up of its group, the twist (row vs column level) is within 8 dB
 * (Q.24 allows 4-8 dB), and the frame is louder than -40 dBFS. A digit is reported once, on its
 * second consecutive frame (40 ms, the Q.24 minimum duration), and again only after a frame
 * without it.
 */
const ROWS = [697, 770, 852, 941];
const COLUMNS = [1209, 1336, 1477, 1633];
const KEYS = ['123A', '456B', '789C', '*0#D'];

export const DTMF_DIGITS = '0123456789*#ABCD';

/** Samples of `digits` as DTMF tones, each `toneMs` long (default 100) with `gapMs` (default 60) of silence after. */
export function dtmfTones(
  digits: string,
  options: { sampleRate: number; toneMs?: number; gapMs?: number; amplitude?: number },
): Int16Array {
  const { sampleRate } = options;
  const toneSamples = Math.round(((options.toneMs ?? 100) * sampleRate) / 1000);
  const gapSamples = Math.round(((options.gapMs ?? 60) * sampleRate) / 1000);
  // Each of the two tones at half the amplitude: their sum never clips. Default -9 dBFS per tone.
  const amplitude = (options.amplitude ?? 0.35) * 32767;
  const out = new Int16Array(digits.length * (toneSamples + gapSamples));
  for (let d = 0; d < digits.length; d++) {
    const key = (digits[d] as string).toUpperCase();
    const row = KEYS.findIndex((r) => r.includes(key));
    if (row < 0) throw new Error(`not a DTMF digit: ${JSON.stringify(digits[d])} (allowed: ${DTMF_DIGITS})`);
    const fr = ROWS[row] as number;
    const fc = COLUMNS[(KEYS[row] as string).indexOf(key)] as number;
    const start = d * (toneSamples + gapSamples);
    for (let i = 0; i < toneSamples; i++) {
      const t = i / sampleRate;
      out[start + i] = Math.round(amplitude * (Math.sin(2 * Math.PI * fr * t) + Math.sin(2 * Math.PI * fc * t)));
    }
  }
  return out;
}

const MIN_SHARE = 0.6;
const MIN_SEPARATION = 4; // 6 dB in power
const MAX_TWIST = 10 ** (8 / 10);
const MIN_LEVEL_DBFS = -40;

export class DtmfDetector {
  private readonly rowCoefficients: number[];
  private readonly columnCoefficients: number[];
  private candidate: string | null = null;
  private reported = false;

  constructor(options: { sampleRate?: number } = {}) {
    const rate = options.sampleRate ?? 16000;
    this.rowCoefficients = ROWS.map((f) => goertzelCoefficient(f, rate));
    this.columnCoefficients = COLUMNS.map((f) => goertzelCoefficient(f, rate));
  }

  /** One frame; returns a digit the first time it is confirmed, else null. */
  push(pcm: Int16Array): string | null {
    const digit = this.frameDigit(pcm);
    if (digit === null || digit !== this.candidate) {
      this.candidate = digit;
      this.reported = false;
      return null;
    }
    if (this.reported) return null;
    this.reported = true;
    return digit;
  }

  private frameDigit(pcm: Int16Array): string | null {
    const total = energy(pcm);
    const n = pcm.length;
    if (total === 0 || 10 * Math.log10(total / n / 32768 ** 2) < MIN_LEVEL_DBFS) return null;
    const row = strongest(pcm, this.rowCoefficients);
    const column = strongest(pcm, this.columnCoefficients);
    if (row.power < MIN_SEPARATION * row.runnerUp || column.power < MIN_SEPARATION * column.runnerUp) return null;
    if (row.power > MAX_TWIST * column.power || column.power > MAX_TWIST * row.power) return null;
    if ((2 * (row.power + column.power)) / (n * total) < MIN_SHARE) return null;
    return (KEYS[row.index] as string)[column.index] as string;
  }
}

function strongest(pcm: Int16Array, coefficients: number[]): { index: number; power: number; runnerUp: number } {
  let index = 0;
  let power = 0;
  let runnerUp = 0;
  for (let i = 0; i < coefficients.length; i++) {
    const p = goertzelPower(pcm, coefficients[i] as number);
    if (p > power) {
      runnerUp = power;
      power = p;
      index = i;
    } else if (p > runnerUp) runnerUp = p;
  }
  return { index, power, runnerUp };
}
