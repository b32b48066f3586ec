/** One TTS segment of an agent turn: its text and how much audio it produced. */
export interface PlayedSegment {
  text: string;
  /** Audio length of the segment in ms (still growing while it is being synthesised). */
  durationMs: number;
}

/**
 * What the caller actually heard of an agent turn when `playedMs` of its audio had been sent:
 * whole segments before the one playing, then the part of the playing segment proportional by
 * characters to the share of its audio played, cut back to the last whole word (a word the
 * caller heard only half of is not in the line).
 */
export function spokenText(segments: readonly PlayedSegment[], playedMs: number): string {
  const parts: string[] = [];
  let left = playedMs;
  for (const s of segments) {
    if (left <= 0) break;
    if (left >= s.durationMs) {
      parts.push(s.text.trim());
      left -= s.durationMs;
      continue;
    }
    const chars = Math.floor((s.text.length * left) / s.durationMs);
    const head = s.text.slice(0, chars);
    // A cut that lands exactly on a space keeps the word before it; otherwise drop the partial word.
    const whole = /\s/.test(s.text.charAt(chars)) ? head : head.replace(/\S*$/, '');
    if (whole.trim()) parts.push(whole.trim());
    break;
  }
  return parts.join(' ');
}

/** Counts words the way `interruptions.min_words` means them (whitespace-separated tokens with a letter or digit). */
export function countWords(text: string): number {
  let n = 0;
  for (const token of text.split(/\s+/)) if (/[\p{L}\p{N}]/u.test(token)) n++;
  return n;
}
