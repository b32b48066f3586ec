import type { Clock } from '../../pipeline/clock.js';
import type { TtsChunk, TtsProvider, TtsStream, TtsStreamOptions } from '../tts/tts.js';
import { type FakeFailures, failureFor } from './fake-failure.js';
import { FakeSessionCore } from './fake-session.js';
import { tonePcm } from './tone.js';

export interface FakeTtsOptions {
  clock: Clock;
  /** Default `fake.tts`. */
  label?: string;
  /** From a segment's flush (or from the end of the previous segment, if later) to its first audio (default 0). */
  firstByteMs?: number;
  /** Audio per character of text (default 60 ms: about the pace of speech). */
  msPerChar?: number;
  /** Length of each yielded audio chunk (default 100 ms). */
  chunkMs?: number;
  /** Between chunks of one segment (default 0: faster than real time, like most vendors). */
  chunkIntervalMs?: number;
  /** Before the session can yield anything, or fail at connect (default 0). */
  connectMs?: number;
  /** Injected errors, for every session or per session; `afterEvents` counts chunks. */
  fail?: FakeFailures;
  sampleRates?: readonly number[];
}

/** What one session was sent. */
export interface FakeTtsSession extends TtsStream {
  readonly options: TtsStreamOptions;
  /** Everything passed to `pushText`, concatenated. */
  readonly pushedText: string;
  /** The text of each flushed segment, in order. */
  readonly segments: readonly string[];
  readonly inputEnded: boolean;
  readonly aborted: boolean;
  /** Chunks delivered to the consumer so far. */
  readonly delivered: number;
}

/**
 * A TTS for tests: real PCM (a quiet 220 Hz tone) whose length is proportional to the text, on
 * the injected clock, so that pacing, barge-in and "what was actually played" can be checked.
 */
export class FakeTts implements TtsProvider {
  readonly kind = 'tts' as const;
  readonly label: string;
  readonly capabilities: TtsProvider['capabilities'];
  readonly sessions: FakeTtsSession[] = [];

  constructor(private readonly options: FakeTtsOptions) {
    this.label = options.label ?? 'fake.tts';
    this.capabilities = { streaming: true, sampleRates: options.sampleRates ?? [16000, 8000, 24000] };
  }

  /** Samples the fake produces for `text` at `sampleRate`. */
  samplesFor(text: string, sampleRate: number): number {
    return Math.round((text.length * (this.options.msPerChar ?? 60) * sampleRate) / 1000);
  }

  stream(streamOptions: TtsStreamOptions): FakeTtsSession {
    const { clock, firstByteMs = 0, chunkMs = 100, chunkIntervalMs = 0, connectMs = 0 } = this.options;
    const core = new FakeSessionCore<TtsChunk>({
      clock,
      connectMs,
      failure: failureFor(this.options.fail, this.sessions.length),
      signal: streamOptions.signal,
    });
    const rate = streamOptions.sampleRate;
    const segments: string[] = [];
    let pushed = '';
    let pending = '';
    let inputEnded = false;
    let busyUntil = clock.now() + connectMs;
    const closeSegment = () => {
      const segment = segments.length;
      const text = pending;
      pending = '';
      segments.push(text);
      const total = this.samplesFor(text, rate);
      const chunkSamples = Math.max(1, Math.round((chunkMs * rate) / 1000));
      let at = Math.max(clock.now(), busyUntil) + firstByteMs;
      for (let offset = 0; offset < total; offset += chunkSamples) {
        const samples = Math.min(chunkSamples, total - offset);
        core.emitLazy(
          () => ({ type: 'audio', segment, pcm: tonePcm({ samples, sampleRate: rate, phase: offset }) }),
          at - clock.now(),
        );
        at += chunkIntervalMs;
      }
      core.emit({ type: 'segment_end', segment, text }, at - clock.now());
      busyUntil = at;
    };
    const session: FakeTtsSession = {
      options: streamOptions,
      get pushedText() {
        return pushed;
      },
      segments,
      get inputEnded() {
        return inputEnded;
      },
      get aborted() {
        return core.aborted;
      },
      get delivered() {
        return core.delivered;
      },
      pushText(text) {
        if (inputEnded || core.closed) return;
        pushed += text;
        pending += text;
      },
      flush() {
        if (inputEnded || core.closed) return;
        closeSegment();
      },
      endInput() {
        if (inputEnded) return;
        if (pending.trim()) closeSegment();
        inputEnded = true;
        core.endWhenIdle();
      },
      [Symbol.asyncIterator]: () => core.queue[Symbol.asyncIterator](),
    };
    this.sessions.push(session);
    return session;
  }
}
