/**
 * A streaming windowed-sinc resampler from espeak-ng's fixed 22,050 Hz to the pipeline's rates
 * (8, 16 or 24 kHz; `resampler.ts` covers only those between themselves). The espeak TTS and the
 * sandbox's espeak callee voice both use it.
 * The ratio is rational (22050/16000 = 441/320), so the kernel is a polyphase table: one row per
 * output phase (160 for 8 and 24 kHz, 320 for 16 kHz), `2·HALF/cutoff` taps each. The cutoff
 * sits at 90 % of the lower Nyquist frequency, so downsampling to 8 kHz removes what would fold
 * back (a 6 kHz tone comes out more than 40 dB down: resample-22050.test.ts). Each row is
 * normalised to unit gain. Not for the media path: it allocates its output per call, which
 * is once per TTS chunk (tens of ms of audio), not per frame.
 */

/** Zero crossings of the sinc on each side, at the cutoff's scale. */
const HALF = 8;
const CUTOFF = 0.9;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export class Resampler22050 {
  readonly from = 22050;
  private readonly up: number;
  private readonly down: number;
  /** Taps on each side of the centre, in input samples. */
  private readonly half: number;
  private readonly table: Float32Array;
  private readonly taps: number;
  /** Input kept: `buffer[0]` is absolute input sample `base`. */
  private buffer = new Float32Array(4096);
  private buffered = 0;
  private base: number;
  /** Next output sample, absolute. */
  private n = 0;

  constructor(readonly to: number) {
    const g = gcd(this.from, to);
    this.up = to / g;
    this.down = this.from / g;
    const fc = Math.min(1, to / this.from) * CUTOFF;
    this.half = Math.ceil(HALF / fc);
    this.taps = 2 * this.half;
    this.table = new Float32Array(this.up * this.taps);
    for (let p = 0; p < this.up; p++) {
      const frac = p / this.up;
      let sum = 0;
      for (let k = 0; k < this.taps; k++) {
        const d = k - this.half + 1 - frac;
        const x = fc * d;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        // Blackman window over ±half.
        const w = 0.42 + 0.5 * Math.cos((Math.PI * d) / this.half) + 0.08 * Math.cos((2 * Math.PI * d) / this.half);
        const v = Math.abs(d) >= this.half ? 0 : fc * sinc * w;
        this.table[p * this.taps + k] = v;
        sum += v;
      }
      for (let k = 0; k < this.taps; k++)
        this.table[p * this.taps + k] = (this.table[p * this.taps + k] as number) / sum;
    }
    // Start with half a kernel of silence, so the first output is centred on the first input.
    this.base = -this.half;
    this.buffered = this.half;
  }

  /** Output samples for `input` at the new rate (the last few wait for the next input or `flush`). */
  process(input: Int16Array): Int16Array {
    this.append(input);
    return this.drain();
  }

  /** The tail, as if half a kernel of silence followed; the resampler is ready for a new stream after it. */
  flush(): Int16Array {
    this.append(new Int16Array(this.half));
    const out = this.drain();
    const expected = Math.round(((this.base + this.buffered - this.half) * this.to) / this.from);
    const total = this.n;
    this.reset();
    // Drop what the padding produced beyond the input's own length.
    const extra = Math.max(0, total - Math.max(expected, 0));
    return out.subarray(0, Math.max(0, out.length - extra));
  }

  reset(): void {
    this.buffered = this.half;
    this.buffer.fill(0, 0, this.half);
    this.base = -this.half;
    this.n = 0;
  }

  private append(input: Int16Array): void {
    if (this.buffered + input.length > this.buffer.length) {
      const grown = new Float32Array(Math.max(this.buffer.length * 2, this.buffered + input.length));
      grown.set(this.buffer.subarray(0, this.buffered));
      this.buffer = grown;
    }
    for (let i = 0; i < input.length; i++) this.buffer[this.buffered + i] = input[i] as number;
    this.buffered += input.length;
  }

  private drain(): Int16Array {
    const end = this.base + this.buffered;
    // Output n is centred on input n·down/up and needs `half` samples after its centre.
    const last = Math.floor(((end - this.half - 1) * this.up) / this.down);
    const count = Math.max(0, last - this.n + 1);
    const out = new Int16Array(count);
    for (let j = 0; j < count; j++, this.n++) {
      const num = this.n * this.down;
      const centre = Math.floor(num / this.up);
      const phase = num - centre * this.up;
      const start = centre - this.half + 1 - this.base;
      const row = phase * this.taps;
      let acc = 0;
      for (let k = 0; k < this.taps; k++) acc += (this.buffer[start + k] as number) * (this.table[row + k] as number);
      out[j] = acc > 32767 ? 32767 : acc < -32768 ? -32768 : Math.round(acc);
    }
    // Keep only what the next output still needs.
    const keepFrom = Math.floor((this.n * this.down) / this.up) - this.half + 1 - this.base;
    if (keepFrom > 0) {
      this.buffer.copyWithin(0, keepFrom, this.buffered);
      this.buffered -= keepFrom;
      this.base += keepFrom;
    }
    return out;
  }
}
