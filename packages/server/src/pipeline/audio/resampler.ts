/**
 * Sample-rate conversion between 8, 16 and 24 kHz: a rational polyphase FIR (upsample by L,
 * low-pass, keep every M-th sample, computing only the samples kept).
 *
 * The prototype low-pass is a Kaiser-windowed sinc, designed once per ratio and shared by every
 * stream (a stream only keeps its own history):
 *   - cutoff exactly at the lower Nyquist (4 kHz when either side is 8 kHz), transition from
 *     0.85 to 1.15 × it (3.4 to 4.6 kHz): the telephone band (to 3.4 kHz) passes untouched, and
 *     whatever aliases lands between 3.4 and 4 kHz, above it, attenuated 6 dB at 4 kHz and 70 dB
 *     from 4.6 kHz. The cutoff at the Nyquist makes it an M-th-band filter: every 2nd (or 3rd)
 *     tap is exactly zero, and for 8↔16 kHz one of the two phases is a plain delay;
 *   - 70 dB stopband (Kaiser β = 6.76), against 16-bit audio whose useful floor on a phone line
 *     is around -60 dBFS; the aliasing test asks ≥ 40 dB;
 *   - length from Kaiser's formula N = (A − 8) / (2.285 Δω), made odd: 59 taps for 8↔16 kHz,
 *     89 for 8↔24 and 16↔24 kHz (prototype at L × the input rate). With the zero taps dropped, an
 *     output sample costs 15.5 multiply-adds on average for 8→16, 31 for 16→8, 61 for 24→8.
 * This design costs a quarter of a "stopband at the Nyquist" one (half the length, half the taps
 * zero); measured per 20 ms frame: NOTES.md (`npm run bench -- audio`).
 *
 * The history of the input is carried across calls, and so is the position of the next output
 * sample, so feeding a stream frame by frame gives exactly the output of feeding it in one
 * piece. The filter's delay is (N − 1) / 2 samples at L × the input rate (1.8 ms at 8↔16 kHz).
 */

export type SampleRate = 8000 | 16000 | 24000;

export interface ResamplerOptions {
  from: SampleRate;
  to: SampleRate;
}

interface Design {
  /** Upsampling factor. */
  up: number;
  /** Decimation factor. */
  down: number;
  /** Window length per phase (input samples an output depends on). */
  taps: number;
  /**
   * Every phase's non-zero taps, one phase after the other: phase p's are
   * `coeffs[starts[p] … starts[p + 1]]`, L·h[p + (taps − 1 − j)·L] for the j in `offsets` (reversed
   * so the loop runs forward in time). Flat typed arrays: the inner loop reads three arrays and
   * no objects (a per-output `phases[p]` lookup and destructuring cost more than the arithmetic).
   */
  coeffs: Float64Array;
  /** Where each tap reads, from the oldest sample of the window. */
  offsets: Int32Array;
  /** `up + 1` indices into `coeffs`/`offsets`. */
  starts: Int32Array;
  /**
   * Per phase, 1 when its taps read consecutive samples (every phase of an upsampler by 2 or 3:
   * the zero taps fall on whole phases), so the loop indexes `history` directly instead of
   * through `offsets` (about half the cost per multiply-add).
   */
  contiguous: Uint8Array;
}

const STOPBAND_DB = 70;
/** Passband edge and stopband edge, as fractions of the lower Nyquist. */
const PASS_EDGE = 0.85;
const STOP_EDGE = 1.15;

const designs = new Map<string, Design>();

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Zeroth-order modified Bessel function of the first kind (series; converges fast for β < 10). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

function design(from: SampleRate, to: SampleRate): Design {
  const key = `${from}:${to}`;
  const cached = designs.get(key);
  if (cached) return cached;
  const g = gcd(from, to);
  const up = to / g;
  const down = from / g;
  const protoRate = from * up;
  const nyquist = Math.min(from, to) / 2;
  const cutoff = nyquist / protoRate; // cycles per prototype sample
  // Zero crossings of the sinc fall every `period` prototype samples (2 or 3).
  const period = Math.round(1 / (2 * cutoff));
  const beta = 0.1102 * (STOPBAND_DB - 8.7);
  const deltaOmega = (2 * Math.PI * (STOP_EDGE - PASS_EDGE) * nyquist) / protoRate;
  // Odd length, so the centre is a tap and the zero crossings fall on taps.
  const length = 2 * Math.ceil((STOPBAND_DB - 8) / (2.285 * deltaOmega) / 2) + 1;
  const taps = Math.ceil(length / up);
  const centre = (length - 1) / 2;
  const h = new Float64Array(taps * up); // zero-padded to a whole number of phases
  const i0Beta = besselI0(beta);
  let sum = 0;
  for (let n = 0; n < length; n++) {
    const x = n - centre;
    if (x !== 0 && x % period === 0) continue; // exactly zero, not sin(kπ) ≈ 1e-16
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const r = (2 * n) / (length - 1) - 1;
    h[n] = sinc * (besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta);
    sum += h[n] as number;
  }
  // Unity gain at DC after upsampling by `up` (each phase then sums to ≈ 1).
  const gain = up / sum;
  const coeffs: number[] = [];
  const offsets: number[] = [];
  const starts = [0];
  for (let p = 0; p < up; p++) {
    for (let j = 0; j < taps; j++) {
      const value = h[p + (taps - 1 - j) * up] as number;
      if (value === 0) continue;
      coeffs.push(value * gain);
      offsets.push(j);
    }
    starts.push(coeffs.length);
  }
  const result: Design = {
    up,
    down,
    taps,
    coeffs: Float64Array.from(coeffs),
    offsets: Int32Array.from(offsets),
    starts: Int32Array.from(starts),
    contiguous: Uint8Array.from({ length: up }, (_, p) => {
      const first = starts[p] as number;
      const last = (starts[p + 1] as number) - 1;
      return last < first || (offsets[last] as number) - (offsets[first] as number) === last - first ? 1 : 0;
    }),
  };
  designs.set(key, result);
  return result;
}

/** One stream's resampler. Not shared between streams: it holds the stream's filter history. */
export class Resampler {
  readonly from: SampleRate;
  readonly to: SampleRate;
  private readonly design: Design;
  /** Last taps−1 input samples, then the current input (grown only when a longer input arrives). */
  private history: Float64Array;
  /** Position of the next output in upsampled samples, relative to the current input's first sample. */
  private position = 0;

  constructor(options: ResamplerOptions) {
    this.from = options.from;
    this.to = options.to;
    this.design = design(options.from, options.to);
    // Room for a 20 ms frame at the input rate from the start, so the media path never grows it.
    this.history = new Float64Array(this.design.taps - 1 + options.from / 50);
  }

  /** Samples `process` writes for an input of `n` samples (exact for 20 ms frames: n × to / from). */
  outputLength(n: number): number {
    const { up, down } = this.design;
    return Math.max(0, Math.ceil((n * up - this.position) / down));
  }

  /** Resamples `input` into `output` (at least `outputLength(input.length)` long); returns samples written. */
  process(input: Int16Array, output: Int16Array): number {
    const { up, down, taps, coeffs, offsets, starts, contiguous } = this.design;
    const keep = taps - 1;
    const length = input.length;
    if (this.history.length < keep + length) {
      const grown = new Float64Array(keep + length);
      grown.set(this.history.subarray(0, keep));
      this.history = grown;
    }
    const history = this.history;
    for (let i = 0; i < length; i++) history[keep + i] = input[i] as number;

    const limit = length * up;
    let t = this.position;
    // t = base·up + phase, stepped by `down` without a division per output.
    let base = (t / up) | 0;
    let phase = t - base * up;
    let written = 0;
    while (t < limit) {
      // Output at input index `base` uses x[base − taps + 1 … base] = history[base … base + keep].
      let acc = 0;
      const start = starts[phase] as number;
      const end = starts[phase + 1] as number;
      if (contiguous[phase] === 1) {
        const from = base + (offsets[start] as number) - start;
        for (let k = start; k < end; k++) acc += (coeffs[k] as number) * (history[from + k] as number);
      } else {
        for (let k = start; k < end; k++)
          acc += (coeffs[k] as number) * (history[base + (offsets[k] as number)] as number);
      }
      // Int16Array stores wrap, so clamp first. Rounding as Math.round (half up): floor(x + 0.5),
      // done as a truncation of a non-negative number (`| 0`), which V8 compiles to one instruction.
      const clamped = acc > 32767 ? 32767 : acc < -32768 ? -32768 : acc;
      output[written++] = ((clamped + 32768.5) | 0) - 32768;
      t += down;
      phase += down;
      while (phase >= up) {
        phase -= up;
        base++;
      }
    }
    this.position = t - limit;
    history.copyWithin(0, length, length + keep);
    return written;
  }

  /** Forgets the history (a new utterance that must not ring with the last one's tail). */
  reset(): void {
    this.history.fill(0);
    this.position = 0;
  }
}
