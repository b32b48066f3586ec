import type { ProviderBase } from '../provider.js';

/** A language model that streams text and tool calls (OpenAI Chat Completions shape). */
export interface LlmProvider extends ProviderBase {
  readonly kind: 'llm';
  readonly capabilities: { tools: boolean };
  /**
   * One completion. Yields text deltas as they arrive and each tool call once complete (the
   * adapter assembles streamed argument fragments), then `done`. Aborting the signal ends the
   * iterator early without error. Failures throw `ProviderError`.
   */
  stream(context: LlmContext, options: LlmStreamOptions): AsyncIterable<LlmDelta>;
}

export interface LlmStreamOptions {
  model?: string;
  temperature?: number;
  maxTokens?: number;
  options?: Record<string, unknown>;
  signal?: AbortSignal;
}

export type LlmMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: readonly LlmToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface LlmToolCall {
  id: string;
  name: string;
  /** JSON text, as the model produced it (may be invalid JSON: the caller validates). */
  arguments: string;
}

export interface LlmTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments (type object). */
  parameters: Record<string, unknown>;
}

export interface LlmContext {
  messages: readonly LlmMessage[];
  tools: readonly LlmTool[];
  /**
   * Structured hints for the offline `scripted` policy (sandbox.md), which cannot read a prompt
   * the way a model does. Real models ignore this; everything in it is also in the system prompt.
   */
  script?: {
    firstMessage?: string | null;
    objective?: string;
    /** Questions to ask, in order (from the playbook or the extraction schema). */
    questions?: readonly string[];
    extractionSchema?: Record<string, unknown> | null;
  };
}

export type LlmDelta =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; call: LlmToolCall }
  | {
      type: 'done';
      finishReason: 'stop' | 'tool_calls' | 'length' | 'cancelled';
      /** Tokens billed for this completion (cost), when the provider reported them. */
      usage?: LlmUsage;
      /** Milliseconds (call's clock) from sending the request to the first text or tool-call byte, when measured. */
      firstTokenMs?: number;
    };

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
}
