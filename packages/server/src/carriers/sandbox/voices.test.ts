import { describe, expect, it } from 'vitest';
import { createEspeakVoice, espeakAvailable } from './espeak-voice.js';
import { resampleTo8k } from './narrowband.js';
import { synthesize } from './synthetic-voice.js';

function rms(pcm: Int16Array, from = 0, to = pcm.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (pcm[i] as number) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

function sine(hz: number, rate: number, seconds: number): Int16Array {
  const pcm = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(10_000 * Math.sin((2 * Math.PI * hz * i) / rate));
  return pcm;
}

const at8k = (ms: number) => Math.round(ms * 8);

describe('the synthetic voice', () => {
  it('is deterministic, at 8 kHz, with exact word timings: loud inside words, quiet between them', () => {
    const a = synthesize('Sure, go ahead.');
    expect(synthesize('Sure, go ahead.').pcm).toEqual(a.pcm);
    expect(a.sampleRate).toBe(8000);
    expect(a.words.map((w) => w.text)).toEqual(['Sure,', 'go', 'ahead.']);
    for (const word of a.words) expect(rms(a.pcm, at8k(word.startMs), at8k(word.endMs))).toBeGreaterThan(1500);
    for (let i = 1; i < a.words.length; i++) {
      const gap = rms(a.pcm, at8k(a.words[i - 1]!.endMs), at8k(a.words[i]!.startMs));
      expect(gap).toBe(0);
    }
    // A comma pauses longer than a plain word boundary.
    expect(a.words[1]!.startMs - a.words[0]!.endMs).toBeGreaterThan(a.words[2]!.startMs - a.words[1]!.endMs);
    expect(a.pcm.length / 8).toBeGreaterThanOrEqual(a.words.at(-1)!.endMs);
  });

  it('takes longer for longer lines, at a speaking rate', () => {
    const short = synthesize('Yes.');
    const long = synthesize('Could you call me back tomorrow afternoon?');
    expect(long.pcm.length).toBeGreaterThan(3 * short.pcm.length);
    const seconds = long.pcm.length / 8000;
    expect(long.words.length / seconds).toBeGreaterThan(1.5);
    expect(long.words.length / seconds).toBeLessThan(4);
  });
});

describe('resampleTo8k', () => {
  it('passes the telephone band at unity gain and suppresses what would alias', () => {
    const pass = resampleTo8k(sine(1000, 22_050, 1), 22_050);
    expect(pass.length).toBe(Math.floor(22_050 / (22_050 / 8000)));
    expect(rms(pass, 200, pass.length - 200) / rms(sine(1000, 8000, 1))).toBeCloseTo(1, 1);
    // 5 kHz is above the 4 kHz Nyquist of 8 kHz: unfiltered it would fold back to 3 kHz at full level.
    const stop = resampleTo8k(sine(5000, 22_050, 1), 22_050);
    expect(20 * Math.log10(rms(stop, 200, stop.length - 200) / rms(pass, 200, pass.length - 200))).toBeLessThan(-50);
  });

  it('returns 8 kHz input as is and refuses a rate no voice speaks at', () => {
    const pcm = sine(440, 8000, 0.1);
    expect(resampleTo8k(pcm, 8000)).toBe(pcm);
    expect(() => resampleTo8k(pcm, 4000)).toThrow(/4000 Hz/);
    // 16 kHz goes through the pipeline's resampler: half the samples, the tone kept.
    const from16 = resampleTo8k(sine(1000, 16_000, 1), 16_000);
    expect(from16.length).toBe(8000);
    expect(rms(from16, 200, 7800) / rms(sine(1000, 8000, 1))).toBeCloseTo(1, 1);
  });
});

describe('the espeak-ng voice', () => {
  it('speaks a line as real 8 kHz audio with ordered word timings inside it, cached by text', async () => {
    expect(await espeakAvailable(), 'espeak-ng must be installed (scripts/test-full.sh installs it)').toBe(true);
    const voice = createEspeakVoice();
    const first = voice('-v Hello there, this is Sam.');
    expect(voice('-v Hello there, this is Sam.')).toBe(first);
    const audio = await first;
    expect(audio.sampleRate).toBe(8000);
    const seconds = audio.pcm.length / 8000;
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(4);
    expect(rms(audio.pcm)).toBeGreaterThan(500);
    // Text goes in on stdin: a line starting with '-v' is words, not an option.
    expect(audio.words.map((w) => w.text)).toEqual(['-v', 'Hello', 'there,', 'this', 'is', 'Sam.']);
    for (let i = 1; i < audio.words.length; i++)
      expect(audio.words[i]!.startMs).toBeGreaterThanOrEqual(audio.words[i - 1]!.endMs);
    expect(audio.words.at(-1)!.endMs).toBeLessThanOrEqual(seconds * 1000);
    expect(audio.words[0]!.startMs).toBeGreaterThanOrEqual(0);
  });

  it('rejects with a clear error when the binary is missing', async () => {
    const voice = createEspeakVoice({ binary: '/nonexistent/espeak-ng' });
    await expect(voice('Hello.')).rejects.toThrow(/espeak-ng could not start/);
  });
});
