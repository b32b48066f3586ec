import type { AgentConfig } from '../../agents/schema.js';
import type { CarrierCall } from '../../carriers/carrier.js';
import type { LlmProvider } from '../../providers/llm/llm.js';
import type { SttProvider } from '../../providers/stt/stt.js';
import type { TtsProvider } from '../../providers/tts/tts.js';
import type { Clock } from '../clock.js';
import type { EarlyResponseOptions } from './early-response.js';

/**
 * The VAD and recorder as the conversation uses them: the shapes of `pipeline/vad/vad.ts` and
 * `pipeline/recording/call-recorder.ts` (part B), restated structurally so this module depends
 * only on the contract.
 */
export interface ConversationVad {
  readonly label: string;
  createStream(options: {
    clock: Clock;
    threshold?: number;
    minSpeechMs?: number;
    minSilenceMs?: number;
  }): ConversationVadStream;
}
export interface ConversationVadStream {
  /** One 20 ms frame (320 samples at 16 kHz). */
  push(pcm16k: Int16Array): void;
  onEvent(listener: (event: { type: 'speech_start' | 'speech_end'; at: number }) => void): void;
  close(): void;
}
export interface ConversationRecorder {
  /** Caller audio at the carrier's rate, one 20 ms frame. */
  writeInbound(pcm: Int16Array): void;
  /** Agent audio actually sent, at the carrier's rate. */
  writeOutbound(pcm: Int16Array): void;
  close(): Promise<unknown>;
}

/** What the call lifecycle does for the built-in tools. Missing callbacks make the tool fail softly. */
export interface BuiltinToolHandlers {
  /** Puts the callee on the tenant's DNC list. */
  addToDnc?(reason: string | undefined): Promise<void>;
  /** Transfers the call (default: the carrier's `transfer`). */
  transferCall?(to: string, mode: 'cold' | 'warm', summary: string | undefined): Promise<void>;
}

/**
 * The call's providers. Retries and the agent's fallback providers are wrapped into each one
 * (`ProviderRegistry.create` → `providers/fallback.ts`): the conversation sees one provider per
 * kind, and an error that reaches it ends the call with `provider_error`.
 */
export interface ConversationProviders {
  stt: SttProvider;
  llm: LlmProvider;
  tts: TtsProvider;
}

export interface ConversationOptions {
  call: CarrierCall;
  agent: AgentConfig;
  providers: ConversationProviders;
  vad: ConversationVad;
  clock: Clock;
  recorder?: ConversationRecorder;
  /** The first utterance, final (disclosure and recording notice already applied); null: wait for the caller. */
  firstUtterance: string | null;
  /** Dynamic variables, substituted as `{{name}}` in the system prompt. */
  variables?: Record<string, string>;
  onEvent?(event: ConversationEvent): void;
  tools?: BuiltinToolHandlers;
  /** HTTP tools may reach private and loopback addresses (tests, local development). Default false. */
  allowPrivateToolUrls?: boolean;
  /** Turn-taking tuning; defaults in `UserTurnProcessor`. */
  turnTaking?: { minEndpointingMs?: number; maxEndpointingMs?: number; bargeInMinSpeechMs?: number };
  /** Said once after `silence_timeout_sec` of silence (default "Are you still there?"). */
  repromptText?: string;
  /** Said when `max_duration_sec` is reached, before hanging up. */
  goodbyeText?: string;
  /** The answer has already happened (inbound calls): start at once instead of waiting for `answered`. */
  answered?: boolean;
  /**
   * Start the model on a confident transcript once the caller's speech has ended, while the
   * endpointing delay runs; its answer is used only if the turn ends with the same words, and
   * cancelled if the caller goes on. Off by default: it saves up to the endpointing delay
   * (300 ms) per turn, but a caller who goes on costs a second model request, billed by cloud
   * vendors.
   */
  earlyResponse?: EarlyResponseOptions;
}

export type EndReason =
  | 'hangup_user'
  | 'hangup_agent'
  | 'max_duration'
  | 'silence_timeout'
  | 'voicemail'
  | 'voicemail_left'
  | 'transferred'
  | 'provider_error'
  | 'carrier_error'
  | 'busy'
  | 'no_answer'
  | 'rejected';

export interface TranscriptLine {
  role: 'agent' | 'user' | 'system';
  text: string;
  /** Ms from the answer. */
  start_ms: number;
  end_ms: number;
  interrupted?: boolean;
}

/** Timestamps of one turn on the call's clock (ms from the answer) and the platform's share. */
export interface TurnLatency {
  turn: number;
  caller_speech_end: number;
  endpoint: number;
  stt_final: number | null;
  llm_first_token: number | null;
  tts_first_byte: number | null;
  first_audio_out: number;
  /** From the caller's end of speech to the first audio frame out. */
  total_ms: number;
  /** `total_ms` minus the endpointing policy's wait and minus the time spent waiting on providers. */
  platform_ms: number;
}

export interface ToolCallRecord {
  name: string;
  arguments: string;
  ok: boolean;
  result: string;
  turn: number;
}

export interface ConversationResult {
  endReason: EndReason;
  transcript: TranscriptLine[];
  turns: TurnLatency[];
  latency: { turns: number; first_response_ms: number | null; p50_ms: number | null; p95_ms: number | null };
  toolCalls: ToolCallRecord[];
  voicemailDetected: boolean;
  /**
   * Who picked up: `machine` when voicemail was detected, `human` when the callee spoke a turn
   * (or pressed a key) and no machine sign came, `unknown` otherwise (never answered, or
   * answered and never spoke: a silent line proves nothing either way).
   */
  answeredBy: 'human' | 'machine' | 'unknown';
  /** Ms from answer to end (0 when never answered). */
  durationMs: number;
}

export type ConversationEvent =
  | { type: 'transcript.partial'; text: string; at: number }
  | { type: 'transcript.final'; line: TranscriptLine }
  | { type: 'turn.latency'; latency: TurnLatency }
  | { type: 'agent.interrupted'; turn: number; at: number; text: string }
  | { type: 'agent.speech.started' | 'agent.speech.finished'; turn: number; at: number }
  /** The VAD decided the caller started speaking: `at` is when the speech began, `decidedAt` when the VAD said so. */
  | { type: 'caller.speech.started'; at: number; decidedAt: number }
  | { type: 'tool.called'; call: ToolCallRecord }
  | { type: 'voicemail.detected'; at: number; signal: 'beep' | 'words' | 'greeting' }
  | { type: 'dtmf.received'; digit: string; at: number }
  | { type: 'error'; error: unknown; fatal: boolean; source: string };

/** What the call lifecycle holds while the conversation runs. */
export interface ConversationHandle {
  /** Speaks `text` now (after anything already queued). */
  say(text: string): void;
  /** Adds background the model should know from now on (a system message). */
  contextualUpdate(text: string): void;
  /** Acts as if the caller had said `text`: the model answers it. */
  userMessage(text: string): void;
  /** Ends the call now (`hangup_agent`). */
  hangup(): Promise<void>;
  /** The outbound pacer's counters so far (for monitoring and the voice bench). */
  audioStats(): AudioStats;
  readonly ended: Promise<ConversationResult>;
}

export interface AudioStats {
  /** Gaps in the agent's audio: ticks that found the pacer open and short of a frame (each gap once). */
  underruns: number;
  /** Frame deadlines dropped after the process stalled for more than 5 frames. */
  skippedFrames: number;
  /** Ms of agent audio sent to the carrier. */
  sentMs: number;
}
