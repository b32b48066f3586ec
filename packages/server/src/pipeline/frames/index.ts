import type { AudioFrame } from './audio.js';
import type { ControlFrame } from './control.js';
import type { SystemFrame } from './system.js';
import type { TextFrame } from './text.js';

export * from './audio.js';
export type * from './control.js';
export type * from './system.js';
export type * from './text.js';

/**
 * Everything that flows through a pipeline: one discriminated union on `type`. `priority` says
 * how a processor treats it: `system` frames bypass queues and are never dropped; `data` and
 * `control` frames are handled in order and dropped when an interruption passes.
 */
export type Frame = AudioFrame | TextFrame | ControlFrame | SystemFrame;
export type FrameType = Frame['type'];
/** The frame interface whose `type` admits `T` (some interfaces cover a pair, e.g. started/stopped). */
export type FrameOf<T extends FrameType> = Frame extends infer F
  ? F extends { type: infer U }
    ? T extends U
      ? F
      : never
    : never
  : never;

/** Which way a frame travels: towards the carrier's output (downstream) or back to the source. */
export type Direction = 'downstream' | 'upstream';

type Fields<F> = Omit<F, 'type' | 'priority'>;

const PRIORITY = {
  'audio.input': 'data',
  'audio.output': 'data',
  'transcript.interim': 'data',
  'transcript.final': 'data',
  'user.turn': 'data',
  'llm.text': 'data',
  speak: 'data',
  'tool.called': 'data',
  'user.started_speaking': 'control',
  'user.stopped_speaking': 'control',
  respond: 'control',
  'llm.response_start': 'control',
  'llm.response_end': 'control',
  'tts.segment': 'control',
  'tts.done': 'control',
  'bot.started_speaking': 'control',
  'bot.stopped_speaking': 'control',
  'bot.spoken': 'control',
  'call.end_requested': 'control',
  interruption: 'system',
  end: 'system',
  cancel: 'system',
  error: 'system',
} as const satisfies { [T in FrameType]: FrameOf<T>['priority'] };

/** Builds a frame of `type` with its priority filled in: `frame('speak', {text, turn})`. */
export function frame<T extends FrameType>(type: T, fields: Fields<FrameOf<T>>): FrameOf<T> {
  return { type, priority: PRIORITY[type], ...fields } as unknown as FrameOf<T>;
}
