import { decodeMulaw, encodeMulaw } from '../../pipeline/audio/g711.js';
import type { Clock, Timer } from '../../pipeline/clock.js';
import type { SpeechMark } from '../../pipeline/speech-mark.js';
import type { CarrierCall, CarrierEvent } from '../carrier.js';
import type { FrameTicker } from './frame-ticker.js';
import { FRAME_BYTES, FRAME_MS } from './line-renderer.js';

/** One inbound frame as a test agent saw it. */
export interface InboundFrame {
  at: number;
  mark: SpeechMark | undefined;
  /** RMS of the decoded frame (PCM16). */
  rms: number;
}

export interface TestAgentOptions {
  /** Keep every inbound frame in `inbound` (default true; off for many-call runs). */
  record?: boolean;
  /** Each time a callee line has fully arrived, say something back after `delayMs`. */
  reply?: { delayMs: number; speakMs: number };
  /** Stop talking (and clear the line) once a callee line has been heard over us for this long. */
  yieldAfterMs?: number;
  /** Speak this long as soon as the call is answered (a first message). */
  firstMessageMs?: number;
  /** Send on this shared ticker instead of a timer of our own (many agents on one virtual clock). */
  ticker?: FrameTicker;
}

/**
 * A stand-in for the voice engine in the sandbox's own tests: it sends a tone (the "agent
 * speaking") or nothing, one paced frame every 20 ms on the call's clock, and watches what
 * comes back. It is not the pipeline; it is the least an agent must do to drive a callee.
 */
export class TestAgent {
  readonly events: CarrierEvent[] = [];
  readonly inbound: InboundFrame[] = [];
  /** Clock times of frames actually sent. */
  readonly sentAt: number[] = [];
  private queuedFrames = 0;
  private timer: Timer | null = null;
  private readonly tone: Uint8Array;
  private readonly pcm = new Int16Array(FRAME_BYTES);
  private ended = false;

  constructor(
    readonly call: CarrierCall,
    private readonly clock: Clock,
    private readonly options: TestAgentOptions = {},
  ) {
    this.tone = toneFrame(3000);
    call.onEvent((event) => {
      this.events.push(event);
      if (event.type === 'answered') {
        if (options.firstMessageMs) this.say(options.firstMessageMs);
        this.start();
      }
      if (event.type === 'ended') this.finish();
    });
    call.onAudio((payload, mark) => this.hear(payload, mark));
  }

  /** Whether the call has ended. */
  get done(): boolean {
    return this.ended;
  }

  /** Queues `ms` of speech (whole frames). */
  say(ms: number): void {
    this.queuedFrames += Math.ceil(ms / FRAME_MS);
  }

  /** Stops talking at once: drops what is queued here and at the carrier. */
  silence(): void {
    this.queuedFrames = 0;
    this.call.clearAudio();
  }

  get speaking(): boolean {
    return this.queuedFrames > 0;
  }

  private start(): void {
    const ticker = this.options.ticker;
    if (ticker) {
      ticker.add(this.sender);
      return;
    }
    const tick = () => {
      if (this.ended) return;
      this.sender.onFrame();
      this.timer = this.clock.setTimer(FRAME_MS, tick);
    };
    this.timer = this.clock.setTimer(FRAME_MS, tick);
  }

  private readonly sender = {
    onFrame: () => {
      if (this.queuedFrames === 0) return;
      this.queuedFrames--;
      this.sentAt.push(this.clock.now());
      this.call.sendAudio(this.tone);
    },
  };

  private finish(): void {
    this.ended = true;
    this.timer?.cancel();
    this.options.ticker?.delete(this.sender);
  }

  private hear(payload: Uint8Array, mark: SpeechMark | undefined): void {
    if (this.options.record !== false) {
      decodeMulaw(payload, this.pcm);
      let sum = 0;
      for (const s of this.pcm) sum += s * s;
      this.inbound.push({ at: this.clock.now(), mark, rms: Math.sqrt(sum / this.pcm.length) });
    }
    if (!mark) return;
    const yieldAfterMs = this.options.yieldAfterMs;
    if (yieldAfterMs !== undefined && this.speaking && mark.offsetMs + FRAME_MS >= yieldAfterMs) this.silence();
    const reply = this.options.reply;
    if (reply && mark.offsetMs + FRAME_MS === mark.durationMs) {
      this.clock.setTimer(reply.delayMs, () => {
        if (!this.ended) this.say(reply.speakMs);
      });
    }
  }
}

/** One μ-law frame of a 440 Hz tone at `amplitude`. */
export function toneFrame(amplitude: number): Uint8Array {
  const pcm = new Int16Array(FRAME_BYTES);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 8000));
  const frame = new Uint8Array(FRAME_BYTES);
  encodeMulaw(pcm, frame);
  return frame;
}
