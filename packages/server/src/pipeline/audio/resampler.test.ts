import { describe, expect, it } from 'vitest';
import { Resampler, type SampleRate } from './resampler.js';
import { countTypedArrayAllocations, rms, sine } from './testing/signals.js';

const RATES: SampleRate[] = [8000, 16000, 24000];
const PAIRS = RATES.flatMap((from) => RATES.filter((to) => to !== from).map((to) => [from, to] as const));

function resampleInFrames(resampler: Resampler, input: Int16Array, frameSamples: number): Int16Array {
  const out = new Int16Array(resampler.outputLength(input.length) + 8);
  const scratch = new Int16Array(resampler.outputLength(frameSamples) + 1);
  let written = 0;
  for (let i = 0; i < input.length; i += frameSamples) {
    const n = resampler.process(input.subarray(i, Math.min(input.length, i + frameSamples)), scratch);
    out.set(scratch.subarray(0, n), written);
    written += n;
  }
  return out.subarray(0, written);
}

const db = (ratio: number) => 20 * Math.log10(ratio);

describe('Resampler', () => {
  it.each(PAIRS)(
    '%i → %i Hz keeps a 1 kHz tone within 1 dB, and writes exactly n·to/from per 20 ms frame',
    (from, to) => {
      const r = new Resampler({ from, to });
      const input = sine({ frequency: 1000, sampleRate: from, ms: 500 });
      const frame = from / 50;
      expect(r.outputLength(frame)).toBe(to / 50);
      const out = resampleInFrames(r, input, frame);
      expect(out.length).toBe((input.length * to) / from);
      // Skip the first 50 ms: the filter's start-up transient.
      const skip = (to * 50) / 1000;
      expect(Math.abs(db(rms(out, skip) / rms(input, (from * 50) / 1000)))).toBeLessThan(1);
    },
  );

  it('passes the whole telephone band (3.4 kHz within 0.5 dB) and stops everything from 4.6 kHz (≥ 60 dB) going 16 → 8 kHz', () => {
    const gain = (frequency: number) => {
      const input = sine({ frequency, sampleRate: 16000, ms: 500 });
      const out = resampleInFrames(new Resampler({ from: 16000, to: 8000 }), input, 320);
      return db(rms(out, 400) / rms(input));
    };
    expect(Math.abs(gain(300))).toBeLessThan(0.5);
    expect(Math.abs(gain(3400))).toBeLessThan(0.5);
    expect(gain(4600)).toBeLessThan(-60);
    expect(gain(7000)).toBeLessThan(-60);
  });

  it('attenuates a 6 kHz tone by at least 40 dB when going from 16 to 8 kHz (no aliasing to 2 kHz)', () => {
    const r = new Resampler({ from: 16000, to: 8000 });
    const input = sine({ frequency: 6000, sampleRate: 16000, ms: 500 });
    const out = resampleInFrames(r, input, 320);
    expect(db(rms(out, 400) / rms(input))).toBeLessThan(-40);
  });

  it.each([
    [24000, 8000, 5000],
    [24000, 16000, 10000],
  ] as const)('%i → %i Hz attenuates %i Hz (above the new Nyquist) by at least 40 dB', (from, to, frequency) => {
    const r = new Resampler({ from, to });
    const input = sine({ frequency, sampleRate: from, ms: 500 });
    const out = resampleInFrames(r, input, from / 50);
    expect(db(rms(out, to / 10) / rms(input))).toBeLessThan(-40);
  });

  it('removes the image of a 1 kHz tone when upsampling 8 → 16 kHz (nothing left at 7 kHz)', () => {
    const r = new Resampler({ from: 8000, to: 16000 });
    const out = resampleInFrames(r, sine({ frequency: 1000, sampleRate: 8000, ms: 500 }), 160);
    // Goertzel-free check: correlate the output with 7 kHz.
    let re = 0;
    let im = 0;
    for (let i = 800; i < out.length; i++) {
      re += out[i]! * Math.cos((2 * Math.PI * 7000 * i) / 16000);
      im += out[i]! * Math.sin((2 * Math.PI * 7000 * i) / 16000);
    }
    const amplitude7k = (2 * Math.hypot(re, im)) / (out.length - 800);
    expect(db(amplitude7k / (0.5 * 32767))).toBeLessThan(-60);
  });

  it.each(PAIRS)('%i → %i Hz: frame-by-frame output equals one-shot output, with odd chunk sizes too', (from, to) => {
    const input = sine({ frequency: 440, sampleRate: from, ms: 300, amplitude: 0.9 });
    const oneShot = resampleInFrames(new Resampler({ from, to }), input, input.length);
    expect([...resampleInFrames(new Resampler({ from, to }), input, from / 50)]).toEqual([...oneShot]);
    expect([...resampleInFrames(new Resampler({ from, to }), input, 37)]).toEqual([...oneShot]);
  });

  it('allocates nothing in process() for 20 ms frames, and reset() forgets the history', () => {
    const r = new Resampler({ from: 8000, to: 16000 });
    const frame = sine({ frequency: 1000, sampleRate: 8000, ms: 20 });
    const out = new Int16Array(320);
    const allocations = countTypedArrayAllocations(() => {
      for (let i = 0; i < 100; i++) r.process(frame, out);
    });
    expect(allocations).toBe(0);
    r.reset();
    const silent = new Int16Array(160);
    r.process(silent, out);
    expect(out.every((s) => s === 0)).toBe(true);
  });

  it('clips instead of wrapping when the filter overshoots a full-scale square wave', () => {
    const square = Int16Array.from({ length: 1600 }, (_, i) => (Math.floor(i / 20) % 2 ? -32768 : 32767));
    const out = resampleInFrames(new Resampler({ from: 8000, to: 16000 }), square, 160);
    // A wrapped overshoot would show as a jump of ~65,000 between neighbouring samples.
    let maxStep = 0;
    for (let i = 1; i < out.length; i++) maxStep = Math.max(maxStep, Math.abs(out[i]! - out[i - 1]!));
    expect(maxStep).toBeLessThan(50000);
    expect(Math.max(...out)).toBe(32767);
  });
});
