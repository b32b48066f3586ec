import { describe, expect, it } from 'vitest';
import { BeepDetector, hasMachineWords } from './voicemail-detector.js';

function tone(hz: number, samples = 160, rate = 8000, amplitude = 8000): Int16Array {
  const pcm = new Int16Array(samples);
  for (let i = 0; i < samples; i++) pcm[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
  return pcm;
}

function noise(samples = 160, amplitude = 8000): Int16Array {
  const pcm = new Int16Array(samples);
  let x = 12345;
  for (let i = 0; i < samples; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    pcm[i] = ((x / 0x7fffffff) * 2 - 1) * amplitude;
  }
  return pcm;
}

describe('BeepDetector', () => {
  it('hears a 1 kHz beep after 160 ms, and not speech-like noise, a 300 Hz hum or silence', () => {
    const beep = new BeepDetector(8000);
    const results = Array.from({ length: 8 }, () => beep.push(tone(1000)));
    expect(results.slice(0, 7).some(Boolean)).toBe(false);
    expect(results[7]).toBe(true);
    for (const make of [() => noise(), () => tone(300), () => new Int16Array(160)]) {
      const d = new BeepDetector(8000);
      expect(Array.from({ length: 50 }, () => d.push(make())).some(Boolean)).toBe(false);
    }
  });
});

describe('hasMachineWords', () => {
  it('recognises answering-machine phrases and not ordinary answers', () => {
    expect(hasMachineWords('Please leave a message after the tone')).toBe(true);
    expect(hasMachineWords("Hi, you've reached Sam, I can't take your call")).toBe(true);
    expect(hasMachineWords('Hello? Yes, this is Sam.')).toBe(false);
  });
});
