import type { TimedWord } from '../../pipeline/speech-mark.js';
import { createEspeakVoice, espeakAvailable } from './espeak-voice.js';
import { createSyntheticVoice } from './synthetic-voice.js';

/** A line of callee speech as audio, with where each word falls in it. */
export interface VoiceAudio {
  /** Mono PCM16. The carrier never modifies it (voices may cache and hand out the same array). */
  pcm: Int16Array;
  /** 8000 is used as is; 22,050 (espeak-ng's rate) and others are resampled once per line. */
  sampleRate: number;
  /** Every word of the line, in ms from the first sample. */
  words: TimedWord[];
}

/**
 * The callee's voice: turns a line into audio. Called once per distinct line per carrier (the
 * carrier caches what it renders), before the call it belongs to starts ringing.
 */
export type CalleeVoice = (text: string) => Promise<VoiceAudio>;

/** Something that records which voice was chosen (a pino logger fits). */
export interface VoiceLogger {
  info(object: object, message: string): void;
}

/**
 * espeak-ng when its binary is installed (real speech: recordings a person can listen to),
 * else the synthetic voice (speech-like, deterministic). Logs which.
 */
export async function defaultCalleeVoice(logger?: VoiceLogger): Promise<CalleeVoice> {
  if (await espeakAvailable()) {
    logger?.info({ voice: 'espeak-ng' }, 'sandbox callees speak with espeak-ng');
    return createEspeakVoice();
  }
  logger?.info({ voice: 'synthetic' }, 'espeak-ng not found: sandbox callees speak with the synthetic voice');
  return createSyntheticVoice();
}

/** Splits a line into words the way both voices time them: on whitespace, punctuation kept on the word. */
export function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((word) => word.length > 0);
}
