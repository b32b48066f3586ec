import type { Clock } from '../../pipeline/clock.js';
import type { SpeechMark } from '../../pipeline/speech-mark.js';
import type { SttEvent, SttProvider, SttStream, SttStreamOptions } from '../stt/stt.js';
import { type FakeFailures, failureFor } from './fake-failure.js';
import { FakeSessionCore } from './fake-session.js';

export interface FakeSttOptions {
  clock: Clock;
  /** Default `fake.stt`. */
  label?: string;
  /** Finals to produce, in order, one per `flush()` (or per `say()` without text). */
  transcripts?: readonly string[];
  /** From the trigger (`flush`, `say`) to the final, on the clock (default 0). */
  latencyMs?: number;
  /** Before the session can yield anything, or fail at connect (default 0). */
  connectMs?: number;
  /** Injected errors, for every session or per session. */
  fail?: FakeFailures;
  /** `say()` also yields `speech_started` and one `interim` per word before the final (default true). */
  interim?: boolean;
  sampleRates?: readonly number[];
}

/** What one session was sent, and its controls. */
export interface FakeSttSession extends SttStream {
  readonly options: SttStreamOptions;
  /** Frames pushed, and their total samples. */
  readonly pushedFrames: number;
  readonly pushedSamples: number;
  /** The first mark of each utterance heard (one per `utteranceId`, in order). */
  readonly pushedMarks: readonly SpeechMark[];
  readonly flushes: number;
  readonly inputEnded: boolean;
  readonly aborted: boolean;
  /** Events delivered to the consumer so far. */
  readonly delivered: number;
  /** Yields `event` now (its `at` is set to the delivery time when omitted). */
  emit(event: DistributiveOmit<SttEvent, 'at'> & { at?: number }, delayMs?: number): void;
  /** Simulates an utterance: `speech_started`, interims, then the final `latencyMs` later. Without text, the next scripted transcript. */
  say(text?: string): void;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/**
 * A scripted STT for tests (after agents-js `stt/testing/fake_stt.ts`): it does not listen to the
 * audio; a test decides when transcripts come (`flush`, `say`, `emit`) and how late, and reads
 * back what the session was sent. For transcripts driven by sandbox callee audio use the real
 * `sandbox` STT, whose final delay is configurable.
 */
export class FakeStt implements SttProvider {
  readonly kind = 'stt' as const;
  readonly label: string;
  readonly capabilities: SttProvider['capabilities'];
  readonly sessions: FakeSttSession[] = [];
  private nextTranscript = 0;

  constructor(private readonly options: FakeSttOptions) {
    this.label = options.label ?? 'fake.stt';
    this.capabilities = { interim: true, wordTimings: true, sampleRates: options.sampleRates ?? [16000, 8000] };
  }

  stream(streamOptions: SttStreamOptions): FakeSttSession {
    const { clock, latencyMs = 0, connectMs = 0, interim = true } = this.options;
    const core = new FakeSessionCore<SttEvent>({
      clock,
      connectMs,
      failure: failureFor(this.options.fail, this.sessions.length),
      signal: streamOptions.signal,
    });
    const takeTranscript = () => this.options.transcripts?.[this.nextTranscript++];
    const marks: SpeechMark[] = [];
    let frames = 0;
    let samples = 0;
    let flushes = 0;
    let inputEnded = false;
    const emit: FakeSttSession['emit'] = (event, delayMs = 0) =>
      core.emitLazy(() => ({ ...event, at: event.at ?? clock.now() }) as SttEvent, delayMs);
    const sayText = (text: string) => {
      const words = text.split(/\s+/).filter(Boolean);
      if (interim) {
        emit({ type: 'speech_started' });
        for (let i = 1; i <= words.length; i++)
          emit({ type: 'interim', text: words.slice(0, i).join(' '), confidence: 0.8 });
      }
      emit(
        {
          type: 'final',
          text,
          confidence: 0.95,
          words: words.map((w, i) => ({ text: w, startMs: i * 300, endMs: i * 300 + 250 })),
          endOfUtterance: true,
        },
        latencyMs,
      );
    };
    const session: FakeSttSession = {
      options: streamOptions,
      get pushedFrames() {
        return frames;
      },
      get pushedSamples() {
        return samples;
      },
      pushedMarks: marks,
      get flushes() {
        return flushes;
      },
      get inputEnded() {
        return inputEnded;
      },
      get aborted() {
        return core.aborted;
      },
      get delivered() {
        return core.delivered;
      },
      pushAudio(pcm, mark) {
        if (inputEnded || core.closed) return;
        frames++;
        samples += pcm.length;
        if (mark && marks.at(-1)?.utteranceId !== mark.utteranceId) marks.push(mark);
      },
      flush() {
        flushes++;
        const text = takeTranscript();
        if (text !== undefined) sayText(text);
      },
      endInput() {
        inputEnded = true;
        core.endWhenIdle();
      },
      emit,
      say(text) {
        const line = text ?? takeTranscript();
        if (line !== undefined) sayText(line);
      },
      [Symbol.asyncIterator]: () => core.queue[Symbol.asyncIterator](),
    };
    this.sessions.push(session);
    return session;
  }
}
