import type { LlmTool } from '../llm/llm.js';
import type { RealtimeUsage } from './realtime.js';

/**
 * The OpenAI Realtime messages the adapter writes and reads, GA interface (no `OpenAI-Beta`
 * header; https://developers.openai.com/api/reference/resources/realtime/client-events and
 * /server-events). The beta names of the output events (`response.audio.delta`,
 * `response.audio_transcript.*`) are read as well, so a server still speaking the beta shape
 * (some OpenAI-compatible servers, Azure's older deployments) works for audio and transcripts.
 */

export interface SessionConfig {
  instructions: string;
  voice: string;
  tools: readonly LlmTool[];
  /** 24000: `audio/pcm` (the only PCM rate GA takes); 8000: `audio/pcmu` (G.711 μ-law, the phone's own codec). */
  sampleRate: number;
  /** `server_vad`: the model detects turns and answers; `none`: our VAD commits and asks for responses. */
  turnDetection: 'server_vad' | 'none';
  /** Model that transcribes the caller for the transcript (`conversation.item.input_audio_transcription.completed`). */
  transcriptionModel: string;
  /** Server VAD: silence (ms) that ends the caller's turn (default 500 per OpenAI). */
  silenceDurationMs?: number;
}

export function audioFormat(sampleRate: number): { type: 'audio/pcm'; rate: 24000 } | { type: 'audio/pcmu' } {
  return sampleRate === 8000 ? { type: 'audio/pcmu' } : { type: 'audio/pcm', rate: 24000 };
}

/** `session.update` with everything the call needs. */
export function sessionUpdate(config: SessionConfig): Record<string, unknown> {
  const format = audioFormat(config.sampleRate);
  return {
    type: 'session.update',
    session: {
      type: 'realtime',
      instructions: config.instructions,
      output_modalities: ['audio'],
      audio: {
        input: {
          format,
          transcription: { model: config.transcriptionModel },
          turn_detection:
            config.turnDetection === 'none'
              ? null
              : {
                  type: 'server_vad',
                  silence_duration_ms: config.silenceDurationMs ?? 500,
                  create_response: true,
                  interrupt_response: true,
                },
        },
        output: { format, voice: config.voice },
      },
      tools: config.tools.map((t) => ({
        type: 'function',
        name: t.name,
        description: t.description,
        parameters: t.parameters,
      })),
      tool_choice: 'auto',
    },
  };
}

/** What the adapter reads from a server event; null for the events it does not use. */
export type ServerEvent =
  | { type: 'response.created'; responseId: string }
  | { type: 'audio.delta'; responseId: string; itemId: string; audio: string }
  | { type: 'transcript.delta'; responseId: string; delta: string }
  | { type: 'transcript.done'; responseId: string; transcript: string }
  | { type: 'user.transcript'; itemId: string; transcript: string }
  | { type: 'speech_started'; audioStartMs: number }
  | { type: 'speech_stopped'; audioEndMs: number }
  | { type: 'function_call'; callId: string; name: string; arguments: string }
  | { type: 'response.done'; responseId: string; status: string; usage: RealtimeUsage | undefined }
  | { type: 'error'; code: string; message: string };

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function usageOf(raw: unknown): RealtimeUsage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const u = raw as Record<string, Record<string, unknown> | unknown>;
  const inDetails = (u.input_token_details ?? {}) as Record<string, unknown>;
  const outDetails = (u.output_token_details ?? {}) as Record<string, unknown>;
  return {
    inputTokens: num(u.input_tokens),
    outputTokens: num(u.output_tokens),
    inputAudioTokens: num(inDetails.audio_tokens),
    outputAudioTokens: num(outDetails.audio_tokens),
  };
}

export function parseServerEvent(text: string): ServerEvent | null {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(text);
  } catch {
    return null;
  }
  switch (e.type) {
    case 'response.created':
      return { type: 'response.created', responseId: str((e.response as Record<string, unknown>)?.id) };
    case 'response.output_audio.delta':
    case 'response.audio.delta':
      return { type: 'audio.delta', responseId: str(e.response_id), itemId: str(e.item_id), audio: str(e.delta) };
    case 'response.output_audio_transcript.delta':
    case 'response.audio_transcript.delta':
      return { type: 'transcript.delta', responseId: str(e.response_id), delta: str(e.delta) };
    case 'response.output_audio_transcript.done':
    case 'response.audio_transcript.done':
      return { type: 'transcript.done', responseId: str(e.response_id), transcript: str(e.transcript) };
    case 'conversation.item.input_audio_transcription.completed':
      return { type: 'user.transcript', itemId: str(e.item_id), transcript: str(e.transcript) };
    case 'input_audio_buffer.speech_started':
      return { type: 'speech_started', audioStartMs: num(e.audio_start_ms) };
    case 'input_audio_buffer.speech_stopped':
      return { type: 'speech_stopped', audioEndMs: num(e.audio_end_ms) };
    case 'response.function_call_arguments.done':
      return { type: 'function_call', callId: str(e.call_id), name: str(e.name), arguments: str(e.arguments) };
    case 'response.done': {
      const response = (e.response ?? {}) as Record<string, unknown>;
      return {
        type: 'response.done',
        responseId: str(response.id),
        status: str(response.status),
        usage: usageOf(response.usage),
      };
    }
    case 'error': {
      const error = (e.error ?? {}) as Record<string, unknown>;
      return { type: 'error', code: str(error.code) || str(error.type), message: str(error.message) };
    }
    default:
      return null;
  }
}
