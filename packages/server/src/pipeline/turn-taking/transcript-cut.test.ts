import { describe, expect, it } from 'vitest';
import { countWords, spokenText } from './transcript-cut.js';

describe('spokenText', () => {
  const segments = [
    { text: 'Hello there,', durationMs: 1000 },
    { text: 'I am calling about your appointment tomorrow.', durationMs: 3000 },
  ];

  it('keeps whole segments played and cuts the playing one proportionally by characters at a word boundary', () => {
    expect(spokenText(segments, 0)).toBe('');
    expect(spokenText(segments, 1000)).toBe('Hello there,');
    // 1500 ms of 3000 = 22 of 45 characters: "I am calling about you" → the partial "you(r)" goes.
    expect(spokenText(segments, 2500)).toBe('Hello there, I am calling about');
    // 1600 ms = 24 characters: "I am calling about your " ends on a whole word.
    expect(spokenText(segments, 2600)).toBe('Hello there, I am calling about your');
    expect(spokenText(segments, 4000)).toBe('Hello there, I am calling about your appointment tomorrow.');
    expect(spokenText(segments, 9999)).toBe('Hello there, I am calling about your appointment tomorrow.');
  });

  it('drops a word the caller heard only part of', () => {
    expect(spokenText([{ text: 'wonderful', durationMs: 1000 }], 500)).toBe('');
  });
});

describe('countWords', () => {
  it('counts words with letters or digits, not punctuation or filler', () => {
    expect(countWords('  mm-hm ')).toBe(1);
    expect(countWords('wait , stop 2 -')).toBe(3);
    expect(countWords('')).toBe(0);
  });
});
