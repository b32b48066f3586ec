import type { LlmToolCall } from '../../providers/llm/llm.js';

/** Text frames: what the caller said, what the model writes, what the agent will speak. */

/** A partial transcript while the caller speaks. */
export interface InterimTranscriptFrame {
  readonly type: 'transcript.interim';
  readonly priority: 'data';
  readonly text: string;
  readonly confidence: number | undefined;
  readonly at: number;
}

/** A final transcript of a stretch of caller speech (a turn may hold several). */
export interface FinalTranscriptFrame {
  readonly type: 'transcript.final';
  readonly priority: 'data';
  readonly text: string;
  /** The STT believes the utterance is complete (Deepgram's `speech_final`). */
  readonly endOfUtterance: boolean;
  readonly at: number;
}

/** The caller's turn is over (the endpoint decision): the whole turn's text and its timing. */
export interface UserTurnFrame {
  readonly type: 'user.turn';
  readonly priority: 'data';
  readonly text: string;
  /** When the caller stopped speaking (VAD), or the endpoint time when VAD never saw speech. */
  readonly speechEndAt: number;
  /** When the last final transcript arrived (undefined: the turn was cut on interim text). */
  readonly sttFinalAt: number | undefined;
  /** When the endpoint decision was taken. */
  readonly at: number;
}

/** A delta of the model's text for agent turn `turn`. */
export interface LlmTextFrame {
  readonly type: 'llm.text';
  readonly priority: 'data';
  readonly text: string;
  readonly turn: number;
}

/** A clause or sentence ready to be synthesised as one TTS segment. */
export interface SpeakFrame {
  readonly type: 'speak';
  readonly priority: 'data';
  readonly text: string;
  readonly turn: number;
}

/** A tool call the model made, after it ran. */
export interface ToolCallFrame {
  readonly type: 'tool.called';
  readonly priority: 'data';
  readonly call: LlmToolCall;
  readonly ok: boolean;
  readonly result: string;
  readonly turn: number;
}

export type TextFrame =
  | InterimTranscriptFrame
  | FinalTranscriptFrame
  | UserTurnFrame
  | LlmTextFrame
  | SpeakFrame
  | ToolCallFrame;
