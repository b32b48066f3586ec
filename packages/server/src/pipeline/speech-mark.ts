/**
 * The sandbox's out-of-band truth (sandbox.md, "Offline providers"): a sandbox callee's audio
 * frames carry, beside the real audio, the words being spoken and when. The sandbox STT reads
 * these marks; every other component ignores them. Real carriers never set them.
 */
export interface TimedWord {
  text: string;
  /** Start and end of the word, in ms from the utterance's first frame. */
  startMs: number;
  endMs: number;
}

/** Attached to every inbound 20 ms frame that belongs to a callee utterance. */
export interface SpeechMark {
  /** The same for every frame of one utterance; a new one for the next line. */
  utteranceId: string;
  /** The whole line, as the script says it. */
  text: string;
  /** Every word of the line with its timing (the same array object on every frame of the utterance). */
  words: readonly TimedWord[];
  /** Where this frame starts, in ms from the utterance's first frame. */
  offsetMs: number;
  /** Length of the whole utterance in ms. */
  durationMs: number;
}
