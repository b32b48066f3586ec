import type { Clock } from '../clock.js';

/**
 * Voice activity detection: turns the caller's 16 kHz PCM into speech start/end events for
 * turn-taking and barge-in. Two implementations behind one interface: `silero` (a neural model
 * run with onnxruntime-node, batched across every stream of the process) and `energy` (an
 * adaptive-threshold fallback that needs nothing). `createVad()` picks silero when it loads.
 */
export interface VadOptions {
  /** Speech probability (0..1) at which speech starts; it ends below threshold − 0.15. Default 0.5. */
  threshold?: number;
  /** Speech must last this long before `speech_start` is emitted (a click or cough does not). Default 150. */
  minSpeechMs?: number;
  /** Silence must last this long before `speech_end` is emitted (pauses between words do not). Default 300. */
  minSilenceMs?: number;
}

export interface VadEvent {
  type: 'speech_start' | 'speech_end';
  /**
   * Clock time at which the speech began (for `speech_start`) or the silence began (for
   * `speech_end`), not when the VAD decided: the decision comes `minSpeechMs` / `minSilenceMs`
   * later (plus the model's window for silero), and is the clock's `now()` when the listener runs.
   */
  at: number;
}

export interface Vad {
  /** `"silero"` or `"energy"`. */
  readonly label: string;
  createStream(options: VadOptions & { clock: Clock }): VadStream;
}

export interface VadStream {
  /**
   * One 20 ms frame (320 samples at 16 kHz), just received: its end is the clock's `now()`. The
   * samples are read during the call (silero copies what it needs), so the caller may reuse the array.
   */
  push(pcm16k: Int16Array): void;
  /** Listeners run synchronously in `push` (energy) or when the model's batch returns (silero). */
  onEvent(listener: (event: VadEvent) => void): void;
  /** Whether the stream is inside speech (after `speech_start`, before `speech_end`). */
  readonly speaking: boolean;
  /** The latest speech probability, 0..1. */
  readonly probability: number;
  /** Stops the stream: pending model work is dropped and no event follows. */
  close(): void;
}

export const VAD_DEFAULTS = { threshold: 0.5, minSpeechMs: 150, minSilenceMs: 300 } as const;

/** Samples in one 20 ms frame at 16 kHz. */
export const VAD_FRAME_SAMPLES = 320;

/**
 * The VAD for this process: silero when its model loads (`prefer: 'silero'`, the default), else
 * the energy VAD, saying why through `log`. Every call gets the same silero instance (one
 * session, so concurrent calls' windows share batches); calling this per call is cheap.
 */
export async function createVad(
  options: { prefer?: 'silero' | 'energy'; log?: (message: string) => void; sileroModelPath?: string } = {},
): Promise<Vad> {
  const { EnergyVad } = await import('./energy.js');
  if (options.prefer === 'energy') return new EnergyVad();
  const log = options.log ?? ((m: string) => process.emitWarning(m));
  try {
    const { SileroVad } = await import('./silero.js');
    return await SileroVad.shared({ log, ...(options.sileroModelPath ? { modelPath: options.sileroModelPath } : {}) });
  } catch (err) {
    log(`silero VAD unavailable (${err instanceof Error ? err.message : String(err)}); using the energy VAD`);
    return new EnergyVad();
  }
}
