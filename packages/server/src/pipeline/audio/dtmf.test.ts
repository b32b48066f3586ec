import { describe, expect, it } from 'vitest';
import { DtmfDetector, dtmfTones } from './dtmf.js';
import { decodeMulaw, encodeMulaw } from './g711.js';
import { concat, forEachFrame, noise } from './testing/signals.js';
import { speechPcm16k } from './testing/speech.js';

function digitsIn(pcm: Int16Array, sampleRate: number): string {
  const detector = new DtmfDetector({ sampleRate });
  let digits = '';
  forEachFrame(pcm, sampleRate / 50, (frame) => {
    digits += detector.push(frame) ?? '';
  });
  return digits;
}

describe('DTMF', () => {
  it('generates every key and detects it back at 16 kHz', () => {
    const all = '0123456789*#ABCD';
    expect(digitsIn(dtmfTones(all, { sampleRate: 16000 }), 16000)).toBe(all);
  });

  it('detects digits through a μ-law phone line at 8 kHz, repeated digits included, with noise', () => {
    const tones = dtmfTones('1155#', { sampleRate: 8000, toneMs: 80, gapMs: 50 });
    const hiss = noise({ sampleRate: 8000, ms: (tones.length / 8000) * 1000, amplitude: 0.02 });
    const line = tones.map((s, i) => Math.max(-32768, Math.min(32767, s + hiss[i]!)));
    const coded = new Uint8Array(line.length);
    encodeMulaw(Int16Array.from(line), coded);
    const decoded = new Int16Array(coded.length);
    decodeMulaw(coded, decoded);
    expect(digitsIn(decoded, 8000)).toBe('1155#');
  });

  it('finds no digit in speech or silence', () => {
    expect(digitsIn(speechPcm16k(['One two three, the number is five five five, nine eight seven.']), 16000)).toBe('');
    expect(digitsIn(concat(new Int16Array(16000)), 16000)).toBe('');
  });

  it('refuses a character that is not a key', () => {
    expect(() => dtmfTones('12x', { sampleRate: 8000 })).toThrow(/not a DTMF digit: "x"/);
  });
});
