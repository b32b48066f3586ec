/**
 * Measuring instruments the voice bench puts around the engine without changing it: a carrier
 * call that timestamps every frame the engine sends. The VAD's decisions come from the
 * conversation's `caller.speech.started` events and the pacer's counters from
 * `handle.audioStats()` (rig.ts).
 */
import type { CarrierCall } from '../../../packages/server/src/carriers/carrier.js';
import type { Clock } from '../../../packages/server/src/pipeline/clock.js';
import { Samples } from './samples.js';

/** One frame every 20 ms. */
export const FRAME_MS = 20;
/**
 * A longer pause between two sent frames is a new agent utterance, not jitter: the pacer stops
 * ticking when the agent has nothing to say, and every reply starts well over 200 ms after the
 * previous one ended (the callee waits 600 ms of quiet before it answers).
 */
const UTTERANCE_GAP_MS = 200;

/** Frame-interval jitter over every probed call, recorded only while `measuring`. */
export class JitterMeter {
  measuring = false;
  /** |interval between a call's consecutive frames − 20 ms|, in ms. */
  readonly jitter = new Samples();
  frames = 0;
}

/** What one call's engine did, as seen from the carrier side and the VAD. */
export class CallProbe {
  answeredAt: number | undefined;
  firstFrameAt: number | undefined;
  lastSentAt = Number.NaN;
  /** Every `speech_start` the call's VAD decided: when speech began (`at`) and when it said so. */
  readonly vadStarts: { at: number; decidedAt: number }[] = [];
  /** The first barge-in: when the engine cut the agent, and the last frame it had sent by then. */
  interrupted: { at: number; lastSentAt: number } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly meter: JitterMeter,
  ) {}

  /** A carrier call that reports to this probe, otherwise the call itself. */
  wrapCall(call: CarrierCall): CarrierCall {
    return {
      carrierCallId: call.carrierCallId,
      media: call.media,
      onEvent: (listener) =>
        call.onEvent((event) => {
          if (event.type === 'answered') this.answeredAt = event.at;
          listener(event);
        }),
      onAudio: (listener) => call.onAudio(listener),
      sendAudio: (payload) => {
        this.sent(this.clock.now());
        call.sendAudio(payload);
      },
      clearAudio: () => call.clearAudio(),
      sendDtmf: (digits) => call.sendDtmf(digits),
      hangup: () => call.hangup(),
      transfer: (to, options) => call.transfer(to, options),
    };
  }

  /** A `caller.speech.started` event of this call's conversation. */
  speechStarted(at: number, decidedAt: number): void {
    this.vadStarts.push({ at, decidedAt });
  }

  agentInterrupted(at: number): void {
    this.interrupted ??= { at, lastSentAt: this.lastSentAt };
  }

  private sent(now: number): void {
    this.firstFrameAt ??= now;
    const dt = now - this.lastSentAt;
    if (this.meter.measuring && dt < UTTERANCE_GAP_MS) {
      this.meter.jitter.push(Math.abs(dt - FRAME_MS));
      this.meter.frames++;
    }
    this.lastSentAt = now;
  }
}
