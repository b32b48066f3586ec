import type { Clock } from '../../pipeline/clock.js';
import type { RealtimeEvent, RealtimeProvider, RealtimeSession, RealtimeStreamOptions } from '../realtime/realtime.js';
import { type FakeFailures, failureFor } from './fake-failure.js';
import { FakeSessionCore } from './fake-session.js';
import { tonePcm } from './tone.js';

/** One scripted model response. */
export interface FakeRealtimeResponse {
  /** Spoken: a final agent transcript plus tone audio proportional to its length. */
  text?: string;
  toolCalls?: readonly { name: string; arguments?: Record<string, unknown>; callId?: string }[];
}

export interface FakeRealtimeOptions {
  clock: Clock;
  /** Default `fake.realtime`. */
  label?: string;
  /** The responses, in order; past the end the last one repeats (none: an empty response). */
  responses?: readonly FakeRealtimeResponse[];
  /** From the trigger (`sendText` with `respond`, a tool result, `userSays`) to the first event (default 0). */
  firstAudioMs?: number;
  /** Audio per character of text (default 60 ms). */
  msPerChar?: number;
  /** Length of each audio event (default 100 ms). */
  chunkMs?: number;
  connectMs?: number;
  /** Injected errors, for every session or per session; `afterEvents` counts events. */
  fail?: FakeFailures;
}

/** What one session was sent, and its controls. */
export interface FakeRealtimeSession extends RealtimeSession {
  readonly options: RealtimeStreamOptions;
  readonly pushedFrames: number;
  readonly pushedSamples: number;
  readonly texts: readonly { text: string; role: 'user' | 'system'; respond: boolean }[];
  readonly toolResults: readonly { callId: string; output: string }[];
  /** `playedMs` of each `interrupt` call. */
  readonly interrupts: readonly number[];
  readonly closed: boolean;
  readonly aborted: boolean;
  /** Yields `event` after `delayMs`. */
  emit(event: RealtimeEvent, delayMs?: number): void;
  /** Simulates the caller's turn as a server-VAD model reports it, then the model's next response. */
  userSays(text: string): void;
}

/** A scripted speech-to-speech model for tests (OpenAI Realtime shape). */
export class FakeRealtime implements RealtimeProvider {
  readonly kind = 'realtime' as const;
  readonly label: string;
  readonly capabilities = { sampleRates: [24000, 16000] as const, serverVad: true };
  readonly sessions: FakeRealtimeSession[] = [];
  private responded = 0;

  constructor(private readonly options: FakeRealtimeOptions) {
    this.label = options.label ?? 'fake.realtime';
  }

  stream(streamOptions: RealtimeStreamOptions): FakeRealtimeSession {
    const { clock, firstAudioMs = 0, msPerChar = 60, chunkMs = 100, connectMs = 0 } = this.options;
    const core = new FakeSessionCore<RealtimeEvent>({
      clock,
      connectMs,
      failure: failureFor(this.options.fail, this.sessions.length),
      signal: streamOptions.signal,
    });
    const rate = streamOptions.sampleRate;
    const texts: { text: string; role: 'user' | 'system'; respond: boolean }[] = [];
    const toolResults: { callId: string; output: string }[] = [];
    const interrupts: number[] = [];
    let frames = 0;
    let samples = 0;
    let closed = false;
    let current: string | null = null;
    const respond = () => {
      const index = this.responded++;
      const responses = this.options.responses ?? [];
      const response = responses[Math.min(index, responses.length - 1)] ?? {};
      const responseId = `resp_fake_${index}`;
      current = responseId;
      const live =
        <T extends RealtimeEvent>(event: () => T) =>
        () =>
          current === responseId ? event() : undefined;
      const text = response.text ?? '';
      core.emitLazy(
        live(() => ({ type: 'transcript', role: 'agent', text, final: true, responseId })),
        firstAudioMs,
      );
      const total = Math.round((text.length * msPerChar * rate) / 1000);
      const chunk = Math.max(1, Math.round((chunkMs * rate) / 1000));
      for (let offset = 0; offset < total; offset += chunk) {
        const n = Math.min(chunk, total - offset);
        core.emitLazy(
          live(() => ({ type: 'audio', responseId, pcm: tonePcm({ samples: n, sampleRate: rate, phase: offset }) })),
          firstAudioMs,
        );
      }
      for (const [i, call] of (response.toolCalls ?? []).entries())
        core.emitLazy(
          live(() => ({
            type: 'tool_call',
            callId: call.callId ?? `${responseId}_call_${i}`,
            name: call.name,
            arguments: JSON.stringify(call.arguments ?? {}),
          })),
          firstAudioMs,
        );
      core.emitLazy(
        live(() => ({ type: 'response_done', responseId })),
        firstAudioMs,
      );
    };
    const session: FakeRealtimeSession = {
      options: streamOptions,
      get pushedFrames() {
        return frames;
      },
      get pushedSamples() {
        return samples;
      },
      texts,
      toolResults,
      interrupts,
      get closed() {
        return closed;
      },
      get aborted() {
        return core.aborted;
      },
      pushAudio(pcm) {
        if (closed) return;
        frames++;
        samples += pcm.length;
      },
      sendText(text, options) {
        texts.push({ text, ...options });
        if (options.respond) respond();
      },
      sendToolResult(callId, output) {
        toolResults.push({ callId, output });
        respond();
      },
      interrupt(playedMs) {
        interrupts.push(playedMs);
        current = null;
      },
      close() {
        closed = true;
        core.endWhenIdle();
      },
      emit: (event, delayMs = 0) => core.emit(event, delayMs),
      userSays(text) {
        core.emitLazy(() => ({ type: 'speech_started', at: clock.now() }));
        core.emitLazy(() => ({ type: 'speech_stopped', at: clock.now() }));
        core.emit({ type: 'transcript', role: 'user', text, final: true });
        respond();
      },
      [Symbol.asyncIterator]: () => core.queue[Symbol.asyncIterator](),
    };
    this.sessions.push(session);
    return session;
  }
}
