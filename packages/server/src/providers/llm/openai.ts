import { createParser } from 'eventsource-parser';
import type { Clock } from '../../pipeline/clock.js';
import { toProviderError } from '../errors.js';
import type { LlmContext, LlmDelta, LlmMessage, LlmProvider, LlmStreamOptions } from './llm.js';
import { ChatChunkAssembler } from './openai-chunks.js';
import { holdClock, type OpenAiEndpoint, openAiPost } from './openai-http.js';

const LABEL = 'openai.llm';

export interface OpenAiLlmOptions {
  clock: Clock;
  endpoint: OpenAiEndpoint;
  /** Used when the agent names none (default `gpt-4o-mini`). */
  model?: string;
  /**
   * Ask for the usage chunk (`stream_options: {include_usage: true}`, default true). A server
   * that rejects `stream_options` with a 400 (some older vLLM and llama.cpp builds) needs the
   * agent option `include_usage: false`; cost then has no token counts.
   */
  includeUsage?: boolean;
}

/**
 * An OpenAI-compatible Chat Completions LLM (OpenAI, Groq, Together, vLLM, llama.cpp's server,
 * Ollama): `POST {base}/chat/completions` with `stream: true`, read as Server-Sent Events
 * (eventsource-parser) from undici's body stream, one request per turn. Raw HTTP rather than the
 * `openai` SDK: see openai-http.ts. Chunk handling and the servers' deviations: openai-chunks.ts.
 *
 * Agent options (`llm.options`): `base_url` (resolved by the registry), `include_usage`,
 * `parallel_tool_calls` (default: the server's), `max_tokens`, `temperature`, `top_p`, `seed`.
 * `max_tokens` is sent under that name (every compatible server reads it; OpenAI's newer
 * `max_completion_tokens` is not known to Ollama or llama.cpp).
 *
 * Time to first token (request sent → first text or tool-call piece, on the call's clock) is on
 * `done.firstTokenMs`; token usage on `done.usage`. Aborting the signal closes the connection.
 */
export class OpenAiLlm implements LlmProvider {
  readonly kind = 'llm' as const;
  readonly label = LABEL;
  readonly capabilities = { tools: true };

  constructor(private readonly options: OpenAiLlmOptions) {}

  stream(context: LlmContext, options: LlmStreamOptions): AsyncIterable<LlmDelta> {
    return this.run(context, options);
  }

  /** The request body, exactly as sent (exported through the class for tests and the benchmark). */
  requestBody(context: LlmContext, options: LlmStreamOptions): Record<string, unknown> {
    const extra = options.options ?? {};
    const includeUsage = (extra.include_usage as boolean | undefined) ?? this.options.includeUsage ?? true;
    const body: Record<string, unknown> = {
      model: options.model ?? this.options.model ?? 'gpt-4o-mini',
      messages: context.messages.map(wireMessage),
      stream: true,
    };
    if (includeUsage) body.stream_options = { include_usage: true };
    const temperature = options.temperature ?? (extra.temperature as number | undefined);
    if (temperature !== undefined) body.temperature = temperature;
    const maxTokens = options.maxTokens ?? (extra.max_tokens as number | undefined);
    if (maxTokens !== undefined) body.max_tokens = maxTokens;
    for (const key of ['top_p', 'seed'] as const) if (extra[key] !== undefined) body[key] = extra[key];
    if (context.tools.length > 0) {
      body.tools = context.tools.map((t) => ({
        type: 'function',
        function: { name: t.name, description: t.description, parameters: t.parameters },
      }));
      // Only with tools: OpenAI rejects `parallel_tool_calls` on a request without any.
      if (typeof extra.parallel_tool_calls === 'boolean') body.parallel_tool_calls = extra.parallel_tool_calls;
    }
    return body;
  }

  private async *run(context: LlmContext, options: LlmStreamOptions): AsyncGenerator<LlmDelta> {
    const { clock, endpoint } = this.options;
    const signal = options.signal;
    if (signal?.aborted) return;
    const assembler = new ChatChunkAssembler(LABEL);
    const sentAt = clock.now();
    let firstTokenMs: number | undefined;
    let release = holdClock(clock);
    const out: LlmDelta[] = [];
    let failure: unknown = null;
    const parser = createParser({
      onEvent: (event) => {
        if (failure) return;
        try {
          assembler.push(event.data, out);
        } catch (error) {
          failure = error;
        }
      },
    });
    try {
      const response = await openAiPost({
        provider: LABEL,
        endpoint,
        path: '/chat/completions',
        body: this.requestBody(context, options),
        signal,
      });
      const body = response.body;
      if (!body) return;
      const decoder = new TextDecoder();
      const reader = body.getReader();
      try {
        while (!assembler.ended) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
          if (failure) throw failure;
          if (firstTokenMs === undefined && assembler.started) firstTokenMs = clock.now() - sentAt;
          if (out.length === 0) continue;
          release();
          for (const delta of out.splice(0)) yield delta;
          release = holdClock(clock);
        }
      } finally {
        // Closes the connection when we stop early (abort, consumer gone); harmless after the end.
        await reader.cancel().catch(() => {});
      }
      assembler.finishInto(out, firstTokenMs);
      release();
      for (const delta of out.splice(0)) yield delta;
    } catch (error) {
      if (signal?.aborted) return;
      throw toProviderError(LABEL, error);
    } finally {
      release();
    }
  }
}

/** Our message → the Chat Completions message (`tool_calls` / `tool_call_id` on the wire). */
function wireMessage(message: LlmMessage): Record<string, unknown> {
  switch (message.role) {
    case 'assistant':
      if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        content: message.content || null,
        tool_calls: message.toolCalls.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: c.arguments },
        })),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    default:
      return { role: message.role, content: message.content };
  }
}
