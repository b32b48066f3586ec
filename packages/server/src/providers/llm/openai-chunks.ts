import { ProviderError } from '../../errors.js';
import type { LlmDelta, LlmToolCall, LlmUsage } from './llm.js';

/**
 * Turns the `data:` payloads of a streamed Chat Completion into our deltas (pure: no I/O, so the
 * benchmark measures exactly this). The chunk format, from the API reference ("The chat
 * completion chunk object", platform.openai.com/docs/api-reference/chat-streaming) and
 * openai-node `src/resources/chat/completions/completions.ts` (`ChatCompletionChunk`):
 *
 * - `choices[0].delta.content`: a piece of text (`null` or absent when there is none);
 * - `choices[0].delta.tool_calls[]`: pieces of tool calls, keyed by `index`; the first piece of
 *   a call carries `id`, `type: "function"` and `function.name`, the later ones only
 *   `function.arguments` fragments to append. Parallel calls interleave by index;
 * - `choices[0].finish_reason`: `stop` | `length` | `tool_calls` | `content_filter` | `function_call`;
 * - with `stream_options.include_usage`, one last chunk with `choices: []` and `usage`
 *   (`prompt_tokens`, `completion_tokens`); every other chunk has `usage: null`.
 * - the stream ends with `data: [DONE]`; an error after the headers arrives as `data: {"error": …}`.
 *
 * Deviations of the servers this is used with (each tolerated here):
 * - vLLM sends the usage chunk with `choices: null` or without the key;
 * - Groq puts usage in `x_groq.usage` (GroqCloud docs, "Streaming"), besides or instead of `usage`;
 * - Ollama's OpenAI-compatible endpoint (docs/openai.md) sends each tool call whole, in one
 *   chunk, and reports `finish_reason: "stop"` even when it called tools; older versions omit
 *   `index` (calls are then numbered by order of arrival);
 * - llama.cpp's server repeats the `id` on every piece of a call.
 */

interface ToolCallPiece {
  index?: number;
  id?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

interface UsageJson {
  prompt_tokens?: number;
  completion_tokens?: number;
}

interface ChunkJson {
  choices?:
    | { delta?: { content?: string | null; tool_calls?: ToolCallPiece[] | null }; finish_reason?: string | null }[]
    | null;
  usage?: UsageJson | null;
  x_groq?: { usage?: UsageJson | null } | null;
  error?: { message?: string; code?: string | number | null; type?: string } | string;
}

type FinishReason = Extract<LlmDelta, { type: 'done' }>['finishReason'];

export class ChatChunkAssembler {
  private readonly calls = new Map<number, LlmToolCall>();
  private nextIndex = 0;
  private finish: FinishReason | null = null;
  /** Token usage, once the server reported it. */
  usage: LlmUsage | undefined;
  /** `[DONE]` arrived. */
  ended = false;
  /** Whether any text or tool-call piece has arrived (time to first token). */
  started = false;

  constructor(private readonly provider: string) {}

  /**
   * One `data:` payload. Text deltas are appended to `out` as they come; tool calls are held
   * until the choice finishes (or the stream ends), since a call is only usable whole.
   */
  push(data: string, out: LlmDelta[]): void {
    if (data === '[DONE]') {
      this.ended = true;
      return;
    }
    let chunk: ChunkJson;
    try {
      chunk = JSON.parse(data) as ChunkJson;
    } catch {
      throw new ProviderError({
        provider: this.provider,
        retryable: false,
        message: `${this.provider}: the stream sent a chunk that is not JSON: ${data.slice(0, 120)}`,
      });
    }
    if (chunk.error) throw this.streamError(chunk.error);
    const usage = chunk.usage ?? chunk.x_groq?.usage;
    if (usage) this.usage = { promptTokens: usage.prompt_tokens ?? 0, completionTokens: usage.completion_tokens ?? 0 };
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const content = choice.delta?.content;
    if (content) {
      this.started = true;
      out.push({ type: 'text', text: content });
    }
    const pieces = choice.delta?.tool_calls;
    if (pieces) for (const piece of pieces) this.addPiece(piece);
    if (choice.finish_reason) this.finish = finishReason(choice.finish_reason);
  }

  /** The assembled tool calls (by index) and `done`; call once, when the stream has ended. */
  finishInto(out: LlmDelta[], firstTokenMs: number | undefined): void {
    const calls = [...this.calls.entries()].sort((a, b) => a[0] - b[0]).map(([, call]) => call);
    for (const call of calls) out.push({ type: 'tool_call', call: { ...call, arguments: call.arguments || '{}' } });
    const reason: FinishReason = calls.length > 0 ? 'tool_calls' : (this.finish ?? 'stop');
    out.push({
      type: 'done',
      finishReason: reason,
      ...(this.usage ? { usage: this.usage } : {}),
      ...(firstTokenMs === undefined ? {} : { firstTokenMs }),
    });
  }

  private addPiece(piece: ToolCallPiece): void {
    this.started = true;
    let index = piece.index;
    if (index === undefined) {
      // No index (older Ollama): the same id continues a call, a new one starts the next.
      const known = [...this.calls.entries()].find(([, c]) => piece.id && c.id === piece.id);
      index = known ? known[0] : this.nextIndex;
    }
    this.nextIndex = Math.max(this.nextIndex, index + 1);
    let call = this.calls.get(index);
    if (!call) {
      call = { id: piece.id || `call_${index}`, name: '', arguments: '' };
      this.calls.set(index, call);
    }
    const name = piece.function?.name;
    // llama.cpp repeats the name on later pieces; the name is never split across pieces.
    if (name && !call.name) call.name = name;
    const args = piece.function?.arguments;
    if (args) call.arguments += args;
  }

  private streamError(error: NonNullable<ChunkJson['error']>): ProviderError {
    const message = typeof error === 'string' ? error : (error.message ?? JSON.stringify(error));
    const code = typeof error === 'string' ? undefined : error.code;
    const status = typeof code === 'number' ? code : undefined;
    // An error inside a 200 stream is the server failing mid-answer (overloaded, a model crash):
    // worth another attempt unless it names a client status.
    return new ProviderError({
      provider: this.provider,
      status,
      retryable: status === undefined ? true : undefined,
      message: `${this.provider}: ${message}`,
    });
  }
}

function finishReason(value: string): FinishReason {
  if (value === 'length') return 'length';
  if (value === 'tool_calls' || value === 'function_call') return 'tool_calls';
  return 'stop';
}
