import type { SpeechMark } from '../../pipeline/speech-mark.js';
import type { ProviderBase } from '../provider.js';

/** Speech-to-text: a streaming session per call (or per turn, as the adapter prefers). */
export interface SttProvider extends ProviderBase {
  readonly kind: 'stt';
  readonly capabilities: {
    /** Emits `interim` events while the caller speaks. */
    interim: boolean;
    /** Finals carry per-word timing. */
    wordTimings: boolean;
    /** Input sample rates it takes without resampling; the engine resamples to the first. */
    sampleRates: readonly number[];
  };
  /** Opens a session. Connection errors surface as a `ProviderError` thrown from the iterator. */
  stream(options: SttStreamOptions): SttStream;
}

export interface SttStreamOptions {
  /** BCP 47, e.g. `en-US`. */
  language: string;
  model?: string;
  /** Rate of the PCM16 pushed with `pushAudio`, one of `capabilities.sampleRates`. */
  sampleRate: number;
  /** Adapter-specific settings from the agent's `stt.options`. */
  options?: Record<string, unknown>;
  /** Aborting closes the session; the iterator then ends without error. */
  signal?: AbortSignal;
}

/**
 * A live session: push audio in, read transcript events out (`for await`). The iterator ends
 * after `endInput()` once everything pushed has been transcribed, or at once after abort.
 */
export interface SttStream extends AsyncIterable<SttEvent> {
  /** One frame of mono PCM16 at the session's rate (20 ms normally). The buffer may be reused after the call returns. `mark` is the sandbox's out-of-band truth, ignored by real adapters. */
  pushAudio(pcm: Int16Array, mark?: SpeechMark): void;
  /** Asks for a final of what has been heard so far (the engine decided the turn ended). */
  flush(): void;
  /** No more audio will come. */
  endInput(): void;
}

/** Times (`at`) are on the call's clock, taken when the event was produced. */
export type SttEvent =
  | { type: 'speech_started'; at: number }
  | { type: 'interim'; text: string; confidence?: number; at: number }
  | {
      type: 'final';
      text: string;
      confidence?: number;
      /** Word timing relative to the start of the session's audio, when `capabilities.wordTimings`. */
      words?: readonly { text: string; startMs: number; endMs: number }[];
      /** The provider thinks the utterance is complete (e.g. Deepgram `speech_final`). */
      endOfUtterance: boolean;
      /** Seconds of audio billed for this final (cost), when the provider bills per request (batch transcription). */
      audioSeconds?: number;
      at: number;
    }
  | { type: 'speech_ended'; at: number };
