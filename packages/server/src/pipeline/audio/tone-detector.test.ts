import { describe, expect, it } from 'vitest';
import { decodeMulaw, encodeMulaw } from './g711.js';
import { Resampler } from './resampler.js';
import { concat, forEachFrame, noise, sine } from './testing/signals.js';
import { speechPcm16k } from './testing/speech.js';
import { type Tone, ToneDetector } from './tone-detector.js';

function tonesIn(pcm: Int16Array, detector = new ToneDetector()): Tone[] {
  const found: Tone[] = [];
  forEachFrame(pcm, 320, (frame) => {
    const tone = detector.push(frame);
    if (tone) found.push(tone);
  });
  return found;
}

const silence = (ms: number) => new Int16Array(ms * 16);

describe('ToneDetector', () => {
  it('finds a 1 kHz voicemail beep after a greeting, with its frequency and length', () => {
    const beep = sine({ frequency: 1000, sampleRate: 16000, ms: 400, amplitude: 0.3 });
    const found = tonesIn(
      concat(speechPcm16k(['Please leave a message after the tone.']), silence(200), beep, silence(200)),
    );
    expect(found).toHaveLength(1);
    expect(Math.abs(found[0]!.frequencyHz - 1000)).toBeLessThanOrEqual(25);
    expect(found[0]!.durationMs).toBeGreaterThanOrEqual(380);
    expect(found[0]!.durationMs).toBeLessThanOrEqual(420);
  });

  it('finds a beep across the band (850 and 1100 Hz) under noise, after μ-law and 8 → 16 kHz', () => {
    for (const frequency of [850, 1100]) {
      const at8k = concat(sine({ frequency, sampleRate: 8000, ms: 300, amplitude: 0.2 }), new Int16Array(1600));
      const noisy = at8k.map((s, i) => s + noise({ sampleRate: 8000, ms: 400, amplitude: 0.01, seed: 7 })[i]!);
      const coded = new Uint8Array(noisy.length);
      encodeMulaw(Int16Array.from(noisy), coded);
      const decoded = new Int16Array(coded.length);
      decodeMulaw(coded, decoded);
      const wide = new Int16Array(decoded.length * 2);
      new Resampler({ from: 8000, to: 16000 }).process(decoded, wide);
      const found = tonesIn(wide);
      expect(found, `${frequency} Hz`).toHaveLength(1);
      expect(Math.abs(found[0]!.frequencyHz - frequency)).toBeLessThanOrEqual(25);
    }
  });

  it('ignores speech, noise, a tone shorter than 150 ms and a tone outside the band', () => {
    expect(tonesIn(speechPcm16k(['Hello, yes, this is Sam speaking. Who is calling, please?']))).toEqual([]);
    expect(tonesIn(noise({ sampleRate: 16000, ms: 2000, amplitude: 0.3 }))).toEqual([]);
    expect(tonesIn(concat(sine({ frequency: 1000, sampleRate: 16000, ms: 100 }), silence(200)))).toEqual([]);
    expect(tonesIn(concat(sine({ frequency: 440, sampleRate: 16000, ms: 500 }), silence(200)))).toEqual([]);
  });

  it('reports the tone in progress once it has lasted long enough', () => {
    const detector = new ToneDetector();
    forEachFrame(sine({ frequency: 950, sampleRate: 16000, ms: 100 }), 320, (f) => detector.push(f));
    expect(detector.active).toBeNull();
    forEachFrame(sine({ frequency: 950, sampleRate: 16000, ms: 100 }), 320, (f) => detector.push(f));
    expect(detector.active).toMatchObject({ durationMs: 200 });
  });
});
