import type { LlmTool } from '../llm/llm.js';
import type { ProviderBase } from '../provider.js';

/** A speech-to-speech model (OpenAI Realtime shape): audio in, audio and transcripts out. */
export interface RealtimeProvider extends ProviderBase {
  readonly kind: 'realtime';
  readonly capabilities: { sampleRates: readonly number[]; serverVad: boolean };
  stream(options: RealtimeStreamOptions): RealtimeSession;
}

export interface RealtimeStreamOptions {
  model: string;
  voice: string;
  instructions: string;
  tools: readonly LlmTool[];
  /** Rate of the PCM16 both ways. */
  sampleRate: number;
  options?: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface RealtimeSession extends AsyncIterable<RealtimeEvent> {
  /** One frame of caller audio (mono PCM16); the buffer may be reused after the call returns. */
  pushAudio(pcm: Int16Array): void;
  /** Adds a message to the conversation; `respond` asks the model to answer it now. */
  sendText(text: string, options: { role: 'user' | 'system'; respond: boolean }): void;
  /** The result of a tool call the model made; the model continues. */
  sendToolResult(callId: string, output: string): void;
  /** Stops the current response at once (barge-in); `playedMs` is how much of it the caller heard. */
  interrupt(playedMs: number): void;
  close(): void;
}

export type RealtimeEvent =
  | { type: 'audio'; pcm: Int16Array; responseId: string }
  | { type: 'transcript'; role: 'user' | 'agent'; text: string; final: boolean; responseId?: string }
  | { type: 'speech_started'; at: number }
  | { type: 'speech_stopped'; at: number }
  | { type: 'tool_call'; callId: string; name: string; arguments: string }
  | {
      type: 'response_done';
      responseId: string;
      /** Tokens billed for this response (cost), when the provider reported them; audio tokens are part of the totals. */
      usage?: RealtimeUsage;
    };

export interface RealtimeUsage {
  inputTokens: number;
  outputTokens: number;
  /** Of `inputTokens`/`outputTokens`, those that were audio (priced differently from text). */
  inputAudioTokens?: number;
  outputAudioTokens?: number;
}
