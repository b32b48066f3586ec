/**
 * System frames bypass every queue: a processor handles them the moment they arrive, even in the
 * middle of a slow data frame, and they are never dropped.
 */

/** Barge-in: drop everything queued downstream, cancel the turn's LLM and TTS, stop the audio. */
export interface InterruptionFrame {
  readonly type: 'interruption';
  readonly priority: 'system';
  readonly at: number;
}

/** The call is over: processors release what they hold (streams, timers). */
export interface EndFrame {
  readonly type: 'end';
  readonly priority: 'system';
  readonly reason: string;
}

/** Like `end`, but nothing is flushed: pending work is abandoned. */
export interface CancelFrame {
  readonly type: 'cancel';
  readonly priority: 'system';
}

/** A failure inside a processor, pushed upstream. `fatal` ends the call. */
export interface ErrorFrame {
  readonly type: 'error';
  readonly priority: 'system';
  readonly error: unknown;
  readonly fatal: boolean;
  /** The processor that failed. */
  readonly source: string;
}

export type SystemFrame = InterruptionFrame | EndFrame | CancelFrame | ErrorFrame;
