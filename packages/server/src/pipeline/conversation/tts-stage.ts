import type { TtsProvider, TtsStream } from '../../providers/tts/tts.js';
import type { Clock } from '../clock.js';
import type { Direction, Frame } from '../frames/index.js';
import { frame, outputAudio } from '../frames/index.js';
import { FrameProcessor } from '../processor.js';
import type { LatencyTracker } from './latency.js';

export interface TtsStageOptions {
  clock: Clock;
  /** The TTS with its retries and fallback already wrapped in (`providers/fallback.ts`). */
  tts: TtsProvider;
  latency: LatencyTracker;
  language: string;
  voice?: string;
  model?: string;
  ttsOptions?: Record<string, unknown>;
  /**
   * The rate the audio is played at (the carrier's line rate). Asked of the TTS when it offers
   * it: the output stage then sends the audio as it comes, with no resampling per frame (only the
   * output stage consumes `audio.output`; the recorder records at the line rate too).
   */
  lineRate?: number;
}

interface TurnSynthesis {
  turn: number;
  stream: TtsStream;
  abort: AbortController;
  /** The turn's text is complete (`llm.response_end` came). */
  inputEnded: boolean;
  /** Resolves when the session has yielded its last chunk, or was aborted. */
  done: Promise<void>;
}

/**
 * Speaks `speak` frames: one streaming TTS session per agent turn, each clause flushed as its
 * own segment the moment it arrives. Out: `tts.segment` (the text, before its audio),
 * `audio.output` chunks, `tts.done` when the turn's audio is complete. An interruption aborts
 * the session (the provider stops synthesising at once).
 *
 * Retries and the agent's fallback TTS live in the provider (`providers/fallback-tts.ts`
 * re-synthesises the unfinished segments and skips the audio already yielded); an error that
 * reaches this stage is fatal.
 */
export class TtsStage extends FrameProcessor {
  private current: TurnSynthesis | null = null;
  private readonly sampleRate: number;
  /** Segments flushed in the current turn (the provider numbers them the same way, from 0). */
  private segments = 0;

  constructor(private readonly options: TtsStageOptions) {
    super('tts');
    this.sampleRate = pickRate(options.tts, options.lineRate);
  }

  protected processFrame(f: Frame, direction: Direction): void | Promise<void> {
    if (direction === 'downstream' && f.type === 'speak') {
      // A complete earlier turn (a `say` after the first message) is heard out first: its
      // audio and then this turn's, never one cutting the other. A turn whose text never
      // completed was superseded by a newer one (the caller spoke again): it is dropped.
      const previous = this.current;
      if (previous && previous.turn !== f.turn && previous.inputEnded)
        return previous.done.then(
          () => this.speak(f),
          () => undefined,
        );
      this.speak(f);
      return;
    }
    if (direction === 'downstream' && f.type === 'llm.response_end') {
      this.pushFrame(f, direction);
      const s = this.current;
      if (s && s.turn === f.turn) {
        s.inputEnded = true;
        s.stream.endInput();
      } else this.pushFrame(frame('tts.done', { turn: f.turn }));
      return;
    }
    this.pushFrame(f, direction);
  }

  private speak(f: Extract<Frame, { type: 'speak' }>): void {
    const s = this.synthesis(f.turn);
    const segment = this.segments++;
    this.pushFrame(frame('tts.segment', { turn: f.turn, segment, text: f.text }));
    this.options.latency.ttsRequest(f.turn, this.options.clock.now());
    s.stream.pushText(f.text);
    s.stream.flush();
  }

  protected override onInterruption(): void {
    this.current?.abort.abort();
    this.current = null;
  }

  protected override onStop(): void {
    this.onInterruption();
  }

  private synthesis(turn: number): TurnSynthesis {
    if (this.current?.turn === turn) return this.current;
    this.current?.abort.abort();
    const abort = new AbortController();
    const s: TurnSynthesis = {
      turn,
      abort,
      stream: this.openStream(abort.signal),
      inputEnded: false,
      done: Promise.resolve(),
    };
    this.current = s;
    this.segments = 0;
    s.done = this.read(s);
    this.track(s.done);
    return s;
  }

  private openStream(signal: AbortSignal): TtsStream {
    return this.options.tts.stream({
      language: this.options.language,
      voice: this.options.voice,
      model: this.options.model,
      sampleRate: this.sampleRate,
      options: this.options.ttsOptions,
      signal,
    });
  }

  private async read(s: TurnSynthesis): Promise<void> {
    try {
      for await (const chunk of s.stream) {
        if (s.abort.signal.aborted) return;
        if (chunk.type !== 'audio') continue;
        this.options.latency.ttsFirstByte(s.turn, this.options.clock.now());
        this.pushFrame(
          outputAudio({ pcm: chunk.pcm, sampleRate: this.sampleRate, turn: s.turn, segment: chunk.segment }),
        );
      }
    } catch (error) {
      if (s.abort.signal.aborted) return;
      throw error;
    }
    if (!s.abort.signal.aborted) this.pushFrame(frame('tts.done', { turn: s.turn }));
    if (this.current === s) this.current = null;
  }
}

/** The line's rate when the provider offers it, else 16 kHz (the pipeline's rate) when offered, else its first rate. */
export function pickRate(tts: TtsProvider, lineRate?: number): number {
  const rates = tts.capabilities.sampleRates;
  if (lineRate !== undefined && rates.includes(lineRate)) return lineRate;
  return rates.includes(16000) ? 16000 : (rates[0] ?? 16000);
}
