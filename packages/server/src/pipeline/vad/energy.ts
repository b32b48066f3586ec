import type { Clock } from '../clock.js';
import { SpeechGate } from './speech-gate.js';
import type { Vad, VadEvent, VadOptions, VadStream } from './vad.js';

/**
 * The fallback VAD: frame level against an adaptive noise floor.
 *
 * - Level: RMS of the 20 ms frame in dBFS.
 * - Noise floor: the quietest frame of the last 2 s (100 frames). Speech always dips between
 *   syllables within that window, so the floor follows the line's noise, not the voice; a new,
 *   steady noise (a fan, a car) stops counting as speech within 2 s.
 * - Probability: a logistic of the signal-to-noise ratio, 0.5 at 10 dB, 0.35 at 7.5 dB (the end
 *   threshold), so the gate's hysteresis is 2.5 dB; frames below -50 dBFS are never speech
 *   (an idle μ-law line sits around -70 dBFS).
 * Cost: about 1 µs per frame (NOTES.md).
 */
const FLOOR_WINDOW_FRAMES = 100;
const ABSOLUTE_MIN_DBFS = -50;
const SNR_MIDPOINT_DB = 10;
const SNR_SLOPE_DB = 4;
/**
 * The floor assumed before 2 s of the line have been heard: a quiet line, so that a caller who
 * speaks at once is heard at once; on a noisy line the noise may count as speech until then.
 */
const INITIAL_FLOOR_DBFS = -60;

export class EnergyVad implements Vad {
  readonly label = 'energy';

  createStream(options: VadOptions & { clock: Clock }): VadStream {
    return new EnergyVadStream(options);
  }
}

class EnergyVadStream implements VadStream {
  private readonly clock: Clock;
  private readonly gate: SpeechGate;
  private readonly listeners: ((event: VadEvent) => void)[] = [];
  private readonly levels = new Float64Array(FLOOR_WINDOW_FRAMES).fill(INITIAL_FLOOR_DBFS);
  private next = 0;
  private closed = false;

  constructor(options: VadOptions & { clock: Clock }) {
    this.clock = options.clock;
    this.gate = new SpeechGate({
      ...options,
      emit: (event) => {
        for (const listener of this.listeners) listener(event);
      },
    });
  }

  get speaking(): boolean {
    return this.gate.speaking;
  }

  get probability(): number {
    return this.gate.probability;
  }

  onEvent(listener: (event: VadEvent) => void): void {
    this.listeners.push(listener);
  }

  push(pcm16k: Int16Array): void {
    if (this.closed) return;
    let sum = 0;
    for (let i = 0; i < pcm16k.length; i++) {
      const s = pcm16k[i] as number;
      sum += s * s;
    }
    const rms = Math.sqrt(sum / Math.max(1, pcm16k.length));
    const level = 20 * Math.log10(rms / 32768 + 1e-9);
    this.levels[this.next] = level;
    this.next = (this.next + 1) % FLOOR_WINDOW_FRAMES;
    let floor = level;
    for (let i = 0; i < FLOOR_WINDOW_FRAMES; i++) {
      const l = this.levels[i] as number;
      if (l < floor) floor = l;
    }
    const probability =
      level < ABSOLUTE_MIN_DBFS ? 0 : 1 / (1 + Math.exp(-(level - floor - SNR_MIDPOINT_DB) / SNR_SLOPE_DB));
    const durationMs = (pcm16k.length / 16000) * 1000;
    this.gate.update(probability, durationMs, this.clock.now() - durationMs);
  }

  close(): void {
    this.closed = true;
  }
}
