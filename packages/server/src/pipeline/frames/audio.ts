import type { SpeechMark } from '../speech-mark.js';

/**
 * Audio frames. The pipeline's internal format is mono PCM16 at 16 kHz in 20 ms frames (320
 * samples); TTS audio keeps the provider's rate until the output stage resamples it for the
 * carrier. A frame owns its `pcm` buffer: a producer never rewrites a buffer it has pushed.
 */

/** 20 ms of caller audio, decoded and resampled to 16 kHz. */
export interface InputAudioFrame {
  readonly type: 'audio.input';
  readonly priority: 'data';
  readonly pcm: Int16Array;
  readonly sampleRate: number;
  /** When the carrier delivered it, on the call's clock. */
  readonly at: number;
  /** The sandbox's out-of-band words; only the STT reads it. */
  readonly mark: SpeechMark | undefined;
}

/** Synthesised agent audio of any length, on its way to the carrier. */
export interface OutputAudioFrame {
  readonly type: 'audio.output';
  readonly priority: 'data';
  readonly pcm: Int16Array;
  readonly sampleRate: number;
  /** The agent turn it belongs to. */
  readonly turn: number;
  /** The TTS segment (one flushed clause) within the turn, from 0. */
  readonly segment: number;
}

export type AudioFrame = InputAudioFrame | OutputAudioFrame;

export function inputAudio(pcm: Int16Array, sampleRate: number, at: number, mark?: SpeechMark): InputAudioFrame {
  return { type: 'audio.input', priority: 'data', pcm, sampleRate, at, mark };
}

export function outputAudio(options: {
  pcm: Int16Array;
  sampleRate: number;
  turn: number;
  segment: number;
}): OutputAudioFrame {
  return { type: 'audio.output', priority: 'data', ...options };
}
