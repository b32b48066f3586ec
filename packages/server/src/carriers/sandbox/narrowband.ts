/**
 * Converts a callee line to the phone line's 8 kHz, once per line (never on the media path).
 * Part of the sandbox only because espeak-ng speaks at 22,050 Hz, which the pipeline's
 * resampler (8/16/24 kHz) does not take.
 *
 * A windowed-sinc low-pass evaluated at each output instant: cutoff 3.6 kHz (the telephone
 * band; 400 Hz of transition below the 4 kHz Nyquist of the output), Blackman window over
 * ±16 output-sample periods (≈ 88 input taps at 22,050 Hz). Blackman's stopband is ≈ -74 dB, so
 * a tone above 4 kHz folds back at least ~60 dB down, below μ-law's own noise floor.
 */
const TARGET_RATE = 8000;
const CUTOFF_HZ = 3600;
const HALF_WIDTH_OUTPUT_PERIODS = 16;

export function resampleTo8k(input: Int16Array, fromRate: number): Int16Array {
  if (!Number.isFinite(fromRate) || fromRate < TARGET_RATE) {
    throw new RangeError(`Cannot bring ${fromRate} Hz audio to 8 kHz: only downsampling from ≥ 8 kHz is supported.`);
  }
  if (fromRate === TARGET_RATE) return input;
  const ratio = fromRate / TARGET_RATE;
  const outputLength = Math.floor(input.length / ratio);
  const output = new Int16Array(outputLength);
  const fc = CUTOFF_HZ / fromRate;
  const halfWidth = HALF_WIDTH_OUTPUT_PERIODS * ratio;
  for (let n = 0; n < outputLength; n++) {
    const center = n * ratio;
    const first = Math.max(0, Math.ceil(center - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(center + halfWidth));
    let acc = 0;
    for (let k = first; k <= last; k++) {
      const d = k - center;
      acc += (input[k] as number) * lowPass(d, fc) * blackman(d / halfWidth);
    }
    output[n] = Math.max(-32768, Math.min(32767, Math.round(acc)));
  }
  return output;
}

/** Ideal low-pass impulse response at `d` input samples, cutoff `fc` cycles per input sample (unity DC gain). */
function lowPass(d: number, fc: number): number {
  if (d === 0) return 2 * fc;
  const x = 2 * Math.PI * fc * d;
  return (2 * fc * Math.sin(x)) / x;
}

/** Blackman window on [-1, 1]. */
function blackman(x: number): number {
  if (x <= -1 || x >= 1) return 0;
  return 0.42 + 0.5 * Math.cos(Math.PI * x) + 0.08 * Math.cos(2 * Math.PI * x);
}
