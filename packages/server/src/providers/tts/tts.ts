import type { ProviderBase } from '../provider.js';

/** Text-to-speech: text in (as the LLM streams it), audio out. */
export interface TtsProvider extends ProviderBase {
  readonly kind: 'tts';
  readonly capabilities: {
    /** Starts producing audio before `endInput` (per flushed segment at least). */
    streaming: boolean;
    /** Output rates it can produce; the engine asks for one and resamples if needed. */
    sampleRates: readonly number[];
  };
  stream(options: TtsStreamOptions): TtsStream;
}

export interface TtsStreamOptions {
  voice?: string;
  language: string;
  model?: string;
  /** Rate of the PCM16 the stream yields, one of `capabilities.sampleRates`. */
  sampleRate: number;
  options?: Record<string, unknown>;
  /** Aborting stops synthesis at once; the iterator ends without error (barge-in). */
  signal?: AbortSignal;
}

/**
 * A live synthesis: `pushText` as text arrives, `flush` at each clause or sentence boundary
 * (each flush closes a numbered segment, starting at 0), `endInput` when the turn's text is
 * complete. Audio comes out in order; the iterator ends after the last segment's `segment_end`.
 */
export interface TtsStream extends AsyncIterable<TtsChunk> {
  pushText(text: string): void;
  flush(): void;
  endInput(): void;
}

export type TtsChunk =
  /** Mono PCM16 at the stream's rate, any length; the stream does not reuse the buffer. */
  | { type: 'audio'; pcm: Int16Array; segment: number }
  /** All audio of `segment` has been yielded; `text` is what it spoke. */
  | {
      type: 'segment_end';
      segment: number;
      text: string;
      /** Characters billed for this segment (cost), when the provider bills by character. */
      characters?: number;
    };
