import type { Clock, Timer } from '../../pipeline/clock.js';
import type { SpeechMark, TimedWord } from '../../pipeline/speech-mark.js';
import { AsyncQueue } from '../async-queue.js';
import type { SttEvent, SttProvider, SttStream, SttStreamOptions } from './stt.js';

export interface SandboxSttOptions {
  clock: Clock;
  /**
   * From an utterance's last frame to its final. A range (default 150–300 ms, the spread of
   * Deepgram's and OpenAI's finals after end of speech) picks one value per utterance from a
   * hash of its id, so a run is repeatable; a number fixes it (latency benchmarks).
   */
  finalDelayMs?: number | { min: number; max: number };
  /** An interim every this much speech, when new words have ended (default 200 ms). */
  interimIntervalMs?: number;
  /** From an utterance's first frame to `speech_started` (default 0: the VAD decides barge-in, not this). */
  speechStartDelayMs?: number;
  /** Frames of an utterance that stop before its end (the callee was cut off) end it after this gap (default 100 ms). */
  gapMs?: number;
}

/** Reads the provider's `options` of an agent's `stt` setting; unknown keys are ignored. */
export function sandboxSttSettings(options: Record<string, unknown> | undefined): Omit<SandboxSttOptions, 'clock'> {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
  const range = options?.final_delay_ms;
  return {
    finalDelayMs: num(range),
    interimIntervalMs: num(options?.interim_interval_ms),
  };
}

/**
 * The offline STT of test mode (sandbox.md): it does not listen to the audio, it reads the
 * `SpeechMark`s the sandbox carrier attaches to a callee's frames and reports those words as a
 * streaming STT would: `speech_started` on the first frame, `interim`s of the words already
 * spoken every ~200 ms, and a `final` with word timings a short, deterministic delay after the
 * last frame. Time is the session's clock; word timings count the audio pushed. Frames without a
 * mark (every real carrier's) are only counted, so against anything but the sandbox carrier it
 * hears nothing.
 */
export class SandboxStt implements SttProvider {
  readonly kind = 'stt' as const;
  readonly label = 'sandbox.stt';
  readonly capabilities = { interim: true, wordTimings: true, sampleRates: [16000, 8000] as const };

  constructor(private readonly options: SandboxSttOptions) {}

  stream(streamOptions: SttStreamOptions): SttStream {
    return new SandboxSttSession(this.options, streamOptions);
  }
}

interface Utterance {
  id: string;
  mark: SpeechMark;
  /** Session time (ms of audio pushed) of the utterance's offset 0. */
  startMs: number;
  /** Offset heard so far: the end of the last frame. */
  heardMs: number;
  /** Words already in a final; interims and the next final start after them. */
  finalized: number;
  interimWords: number;
  nextInterimMs: number;
  ended: boolean;
}

/** FNV-1a: a stable hash, so the same utterance id always gets the same final delay. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

class SandboxSttSession implements SttStream {
  private readonly out = new AsyncQueue<SttEvent>();
  private readonly timers = new Set<Timer>();
  private readonly clock: Clock;
  private readonly rate: number;
  private sessionMs = 0;
  private current: Utterance | null = null;
  private gap: Timer | null = null;
  /** Clock time of the last frame of the current utterance. */
  private lastFrameAt = 0;
  private inputEnded = false;

  constructor(
    private readonly options: SandboxSttOptions,
    streamOptions: SttStreamOptions,
  ) {
    this.clock = options.clock;
    this.rate = streamOptions.sampleRate;
    const signal = streamOptions.signal;
    if (signal?.aborted) this.abort();
    else signal?.addEventListener('abort', () => this.abort(), { once: true });
  }

  pushAudio(pcm: Int16Array, mark?: SpeechMark): void {
    if (this.inputEnded || this.out.closed) return;
    const frameStart = this.sessionMs;
    const frameMs = (pcm.length * 1000) / this.rate;
    this.sessionMs += frameMs;
    if (!mark) return;
    let u = this.current;
    if (!u || u.id !== mark.utteranceId) {
      if (u && !u.ended) this.endUtterance(u);
      u = {
        id: mark.utteranceId,
        mark,
        startMs: frameStart - mark.offsetMs,
        heardMs: 0,
        finalized: 0,
        interimWords: 0,
        nextInterimMs: this.options.interimIntervalMs ?? 200,
        ended: false,
      };
      this.current = u;
      this.later(this.options.speechStartDelayMs ?? 0, () =>
        this.out.push({ type: 'speech_started', at: this.clock.now() }),
      );
    }
    if (u.ended) return;
    u.heardMs = mark.offsetMs + frameMs;
    if (u.heardMs >= u.nextInterimMs) {
      u.nextInterimMs += this.options.interimIntervalMs ?? 200;
      const words = this.spoken(u, (w) => w.endMs <= u.heardMs);
      if (words.length > u.interimWords) {
        u.interimWords = words.length;
        this.out.push({
          type: 'interim',
          text: words.map((w) => w.text).join(' '),
          confidence: 0.8,
          at: this.clock.now(),
        });
      }
    }
    this.lastFrameAt = this.clock.now();
    if (u.heardMs >= mark.durationMs) this.endUtterance(u);
    else this.armGap();
  }

  /**
   * One watchdog timer per gap rather than one per frame (no timer allocated per 20 ms frame):
   * when it fires it ends the utterance if no frame came for `gapMs`, else re-arms for the rest.
   */
  private armGap(): void {
    if (this.gap) return;
    const gapMs = this.options.gapMs ?? 100;
    const wait = this.lastFrameAt + gapMs - this.clock.now();
    this.gap = this.clock.setTimer(wait, () => {
      this.gap = null;
      const u = this.current;
      if (!u || u.ended) return;
      if (this.clock.now() - this.lastFrameAt >= gapMs) this.endUtterance(u);
      else this.armGap();
    });
  }

  flush(): void {
    const u = this.current;
    if (!u || u.ended) return;
    const words = this.spoken(u, (w) => w.endMs <= u.heardMs);
    if (words.length > 0) this.final(u, words, false);
  }

  endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    if (this.current && !this.current.ended) this.endUtterance(this.current);
    this.later(0, () => {});
  }

  [Symbol.asyncIterator](): AsyncIterator<SttEvent> {
    return this.out[Symbol.asyncIterator]();
  }

  /** The words after the last final that pass `heard`. */
  private spoken(u: Utterance, heard: (w: TimedWord) => boolean): TimedWord[] {
    const words: TimedWord[] = [];
    for (let i = u.finalized; i < u.mark.words.length; i++) {
      const w = u.mark.words[i] as TimedWord;
      if (!heard(w)) break;
      words.push(w);
    }
    return words;
  }

  private finalDelay(id: string): number {
    const d = this.options.finalDelayMs ?? { min: 150, max: 300 };
    if (typeof d === 'number') return d;
    return d.min + (hash(id) % (Math.max(0, d.max - d.min) + 1));
  }

  private endUtterance(u: Utterance): void {
    if (u.ended) return;
    u.ended = true;
    if (this.gap && this.current === u) {
      this.gap.cancel();
      this.gap = null;
    }
    // A word counts as heard once most of it was: a callee cut off mid-word still said it.
    const words = this.spoken(u, (w) => (w.startMs + w.endMs) / 2 <= u.heardMs);
    this.later(this.finalDelay(u.id), () => {
      if (words.length > 0) this.final(u, words, true);
      this.out.push({ type: 'speech_ended', at: this.clock.now() });
    });
  }

  private final(u: Utterance, words: TimedWord[], endOfUtterance: boolean): void {
    const whole = u.finalized === 0 && words.length === u.mark.words.length;
    u.finalized += words.length;
    u.interimWords = 0;
    this.out.push({
      type: 'final',
      text: whole ? u.mark.text : words.map((w) => w.text).join(' '),
      confidence: 0.95,
      words: words.map((w) => ({ text: w.text, startMs: u.startMs + w.startMs, endMs: u.startMs + w.endMs })),
      endOfUtterance,
      at: this.clock.now(),
    });
  }

  /** Runs `fn` after `ms` unless the session is aborted; ends the iterator after the last one once input ended. */
  private later(ms: number, fn: () => void): void {
    const timer = this.clock.setTimer(ms, () => {
      this.timers.delete(timer);
      fn();
      if (this.inputEnded && this.timers.size === 0) this.out.end();
    });
    this.timers.add(timer);
  }

  private abort(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    this.gap?.cancel();
    this.out.abort();
  }
}
