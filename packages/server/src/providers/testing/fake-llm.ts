import type { Clock } from '../../pipeline/clock.js';
import type { LlmContext, LlmDelta, LlmProvider, LlmStreamOptions } from '../llm/llm.js';
import { type FakeFailures, failureFor } from './fake-failure.js';

/** One scripted completion. */
export interface FakeLlmResponse {
  /** Streamed word by word (each word with its trailing space is one delta). */
  text?: string;
  /** Yielded after the text, each once complete; `arguments` objects are JSON-encoded. */
  toolCalls?: readonly { name: string; arguments?: string | Record<string, unknown>; id?: string }[];
}

export interface FakeLlmOptions {
  clock: Clock;
  /** Default `fake.llm`. */
  label?: string;
  /**
   * The completions, in order; past the end the last one repeats (none: an empty `stop`). A
   * function decides from the context (and the 0-based request number).
   */
  responses?: readonly FakeLlmResponse[] | ((context: LlmContext, index: number) => FakeLlmResponse);
  /** From the request to the first delta (or to a connect failure), on the clock (default 0). */
  firstTokenMs?: number;
  /** Between later deltas (default 0). */
  tokenIntervalMs?: number;
  /** Injected errors, for every request or per request; `afterEvents` counts deltas. */
  fail?: FakeFailures;
}

/** What one request carried and how it went. */
export interface FakeLlmRequest {
  readonly context: LlmContext;
  readonly options: LlmStreamOptions;
  /** Deltas yielded (including `done`). */
  deltas: number;
  /** The signal aborted while the request ran. */
  aborted: boolean;
  /** The iterator ran to its end (`done` yielded). */
  completed: boolean;
}

/**
 * A scripted LLM for tests: fixed first-token latency on the injected clock, word-sized deltas,
 * tool calls, injectable errors, and every request's context kept in `requests`.
 */
export class FakeLlm implements LlmProvider {
  readonly kind = 'llm' as const;
  readonly label: string;
  readonly capabilities = { tools: true };
  readonly requests: FakeLlmRequest[] = [];

  constructor(private readonly options: FakeLlmOptions) {
    this.label = options.label ?? 'fake.llm';
  }

  stream(context: LlmContext, options: LlmStreamOptions): AsyncIterable<LlmDelta> {
    const index = this.requests.length;
    const request: FakeLlmRequest = { context, options, deltas: 0, aborted: false, completed: false };
    this.requests.push(request);
    return this.run(request, index);
  }

  private respond(context: LlmContext, index: number): FakeLlmResponse {
    const { responses } = this.options;
    if (typeof responses === 'function') return responses(context, index);
    return responses?.[Math.min(index, responses.length - 1)] ?? {};
  }

  private async *run(request: FakeLlmRequest, index: number): AsyncGenerator<LlmDelta> {
    const { clock, firstTokenMs = 0, tokenIntervalMs = 0 } = this.options;
    const signal = request.options.signal;
    const failure = failureFor(this.options.fail, index);
    const response = this.respond(request.context, index);
    const deltas: LlmDelta[] = (response.text?.match(/\S+\s*|\s+/g) ?? []).map((t) => ({ type: 'text', text: t }));
    for (const [i, call] of (response.toolCalls ?? []).entries())
      deltas.push({
        type: 'tool_call',
        call: {
          id: call.id ?? `call_fake_${index}_${i}`,
          name: call.name,
          arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
        },
      });
    deltas.push({
      type: 'done',
      finishReason: response.toolCalls?.length ? 'tool_calls' : 'stop',
      usage: { promptTokens: request.context.messages.length * 10, completionTokens: deltas.length },
    });
    try {
      await clock.sleep(firstTokenMs, signal);
      if (failure?.at === 'connect') throw failure.error;
      for (const [i, delta] of deltas.entries()) {
        if (i > 0 && tokenIntervalMs > 0) await clock.sleep(tokenIntervalMs, signal);
        if (signal?.aborted) break;
        if (failure?.at === 'mid_stream' && request.deltas >= failure.afterEvents) throw failure.error;
        request.deltas++;
        yield delta;
      }
      request.completed = !signal?.aborted;
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    } finally {
      request.aborted = signal?.aborted ?? false;
    }
  }
}
