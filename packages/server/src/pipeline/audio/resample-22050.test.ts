import { describe, expect, it } from 'vitest';
import { Resampler22050 } from './resample-22050.js';

function sine(hz: number, rate: number, samples: number, amplitude = 10000): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

function rms(pcm: Int16Array, from = 0, to = pcm.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (pcm[i] as number) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

/** Resamples in uneven chunks, as espeak-ng's stdout delivers them. */
function resampleChunked(input: Int16Array, to: number): Int16Array {
  const r = new Resampler22050(to);
  const parts: Int16Array[] = [];
  for (let i = 0, size = 317; i < input.length; i += size, size = size === 317 ? 1024 : 317)
    parts.push(r.process(input.subarray(i, i + size)));
  parts.push(r.flush());
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('Resampler22050', () => {
  it.each([8000, 16000, 24000])('keeps length, level and pitch of a 1 kHz tone at %i Hz', (to) => {
    const input = sine(1000, 22050, 22050);
    const out = resampleChunked(input, to);
    expect(Math.abs(out.length - to)).toBeLessThanOrEqual(1);
    const middle = [Math.floor(to * 0.1), Math.floor(to * 0.9)] as const;
    expect(rms(out, ...middle) / rms(input)).toBeCloseTo(1, 1);
    let crossings = 0;
    for (let i = middle[0] + 1; i < middle[1]; i++)
      if ((out[i - 1] as number) < 0 !== (out[i] as number) < 0) crossings++;
    // 1 kHz: 2 crossings per ms over 0.8 s.
    expect(crossings).toBeGreaterThanOrEqual(1598);
    expect(crossings).toBeLessThanOrEqual(1602);
  });

  it('removes a 6 kHz tone going to 8 kHz instead of folding it back to 2 kHz (> 40 dB down)', () => {
    const input = sine(6000, 22050, 22050);
    const out = resampleChunked(input, 8000);
    const ratio = rms(out, 800, 7200) / rms(input);
    expect(20 * Math.log10(ratio)).toBeLessThan(-40);
  });
});
