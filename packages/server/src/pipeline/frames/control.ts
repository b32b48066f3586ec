/**
 * Control frames: state changes that travel in order with the data around them, and are dropped
 * with it on an interruption.
 */

/** The VAD heard the caller start (or stop) speaking; `at` is the VAD's decision time. */
export interface UserSpeechFrame {
  readonly type: 'user.started_speaking' | 'user.stopped_speaking';
  readonly priority: 'control';
  readonly at: number;
}

/** Asks the LLM stage for an agent turn without a caller turn (a reprompt, a goodbye, `say` text). */
export interface RespondFrame {
  readonly type: 'respond';
  readonly priority: 'control';
  /** Speak exactly this (no LLM); otherwise run the model on the context as it stands. */
  readonly text?: string;
  /** A system instruction added for this response only (e.g. "say goodbye"). */
  readonly instruction?: string;
  readonly at: number;
}

/** The model started or finished agent turn `turn`. */
export interface LlmResponseFrame {
  readonly type: 'llm.response_start' | 'llm.response_end';
  readonly priority: 'control';
  readonly turn: number;
  readonly at: number;
}

/** The TTS stage will synthesise `text` as segment `segment` of `turn`. */
export interface TtsSegmentFrame {
  readonly type: 'tts.segment';
  readonly priority: 'control';
  readonly turn: number;
  readonly segment: number;
  readonly text: string;
}

/** All audio of `turn` has been synthesised (the TTS iterator ended). */
export interface TtsDoneFrame {
  readonly type: 'tts.done';
  readonly priority: 'control';
  readonly turn: number;
}

/** The agent started or stopped sending audio to the carrier (pushed both ways). */
export interface BotSpeechFrame {
  readonly type: 'bot.started_speaking' | 'bot.stopped_speaking';
  readonly priority: 'control';
  readonly turn: number;
  readonly at: number;
}

/** What the agent actually said in a turn: the transcript line, cut when interrupted. */
export interface SpokenFrame {
  readonly type: 'bot.spoken';
  readonly priority: 'control';
  readonly turn: number;
  readonly text: string;
  readonly interrupted: boolean;
  readonly startAt: number;
  readonly endAt: number;
}

/** A built-in tool asked for the call to end once the agent has finished speaking. */
export interface EndRequestFrame {
  readonly type: 'call.end_requested';
  readonly priority: 'control';
  readonly reason: string;
}

export type ControlFrame =
  | UserSpeechFrame
  | RespondFrame
  | LlmResponseFrame
  | TtsSegmentFrame
  | TtsDoneFrame
  | BotSpeechFrame
  | SpokenFrame
  | EndRequestFrame;
