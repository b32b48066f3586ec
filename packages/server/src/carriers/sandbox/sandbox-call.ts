import { PlatformError } from '../../errors.js';
import type { Clock, Timer } from '../../pipeline/clock.js';
import type { SpeechMark } from '../../pipeline/speech-mark.js';
import type { CarrierCall, CarrierEndReason, CarrierEvent, MediaFormat } from '../carrier.js';
import type { Callee } from './callee.js';
import { FrameQueue } from './frame-queue.js';
import type { FrameTarget, FrameTicker } from './frame-ticker.js';
import { FRAME_BYTES } from './line-renderer.js';
import type { Scenario } from './scenarios.js';

/** G.711 μ-law at 8 kHz, as a US PSTN leg. */
export const SANDBOX_MEDIA: MediaFormat = Object.freeze({
  encoding: 'pcmu',
  sampleRate: 8000,
  frameBytes: FRAME_BYTES,
});

/** How long the network takes at each step, on the call's clock. */
export interface CallTiming {
  /** Dial to the first ring (post-dial delay). */
  postDialMs: number;
  /** First ring to answer. */
  answerAfterMs: number;
  /** Dial to `busy`. */
  busyAfterMs: number;
  /** Dial to `carrier_error`. */
  errorAfterMs: number;
  /** Dial to `no_answer` when nobody answers (the request's `ringTimeoutMs`). */
  ringTimeoutMs: number;
}

const DTMF_DIGITS = /^[0-9*#A-D]+$/;
const TRANSFER_TARGET = /^(\+[1-9]\d{6,14}|sips?:\S+)$/;

/**
 * One call on the simulated network: its progress (ringing, answer, the network's failures) on
 * timers of the call's clock, then, once answered, one tick every 20 ms from the shared
 * `FrameTicker`: the line plays the next frame the agent sent (the callee hears it) and
 * delivers the callee's frame to `onAudio`. After `ended`, every method is a no-op.
 */
export class SandboxCall implements CarrierCall, FrameTarget {
  readonly media = SANDBOX_MEDIA;
  private state: 'setup' | 'ringing' | 'answered' | 'ended' = 'setup';
  private readonly backlog: CarrierEvent[] = [];
  private eventListener: ((event: CarrierEvent) => void) | null = null;
  private audioListener: ((payload: Uint8Array, mark: SpeechMark | undefined) => void) | null = null;
  private readonly outbound = new FrameQueue(FRAME_BYTES);
  private readonly inbound = new Uint8Array(FRAME_BYTES);
  private readonly timers: Timer[] = [];

  constructor(
    readonly carrierCallId: string,
    private readonly options: {
      clock: Clock;
      ticker: FrameTicker;
      scenario: Scenario;
      callee: Callee;
      timing: CallTiming;
      onEnded: (call: SandboxCall) => void;
    },
  ) {}

  /** Schedules the network's side of the attempt; called once, right after dialling. */
  start(): void {
    const { scenario, timing } = this.options;
    if (scenario.network === 'busy') this.after(timing.busyAfterMs, () => this.end('busy', 'network'));
    else if (scenario.network === 'carrier_error') {
      this.after(timing.errorAfterMs, () =>
        this.end('carrier_error', 'network', 'sandbox: the simulated network failed the call (SIP 503)'),
      );
    } else {
      this.after(timing.postDialMs, () => this.ring());
      this.after(timing.ringTimeoutMs, () => this.end('no_answer', 'network'));
    }
  }

  onEvent(listener: (event: CarrierEvent) => void): void {
    this.eventListener = listener;
    for (const event of this.backlog.splice(0)) listener(event);
  }

  onAudio(listener: (payload: Uint8Array, mark: SpeechMark | undefined) => void): void {
    this.audioListener = listener;
  }

  sendAudio(payload: Uint8Array): void {
    if (this.state !== 'answered') return;
    if (payload.length !== FRAME_BYTES) {
      throw new PlatformError(`sendAudio takes one 20 ms pcmu frame (${FRAME_BYTES} bytes), got ${payload.length}.`);
    }
    this.outbound.push(payload);
  }

  clearAudio(): void {
    this.options.callee.report.agentFramesCleared += this.outbound.clear();
  }

  async sendDtmf(digits: string): Promise<void> {
    if (this.state === 'ended') return;
    if (!DTMF_DIGITS.test(digits)) {
      throw new PlatformError(`DTMF digits must be 0-9, *, # or A-D; got '${digits}'.`);
    }
    if (this.state !== 'answered') return;
    this.options.callee.dtmfReceived(digits);
  }

  async hangup(): Promise<void> {
    this.end('hangup_agent', 'agent');
  }

  async transfer(to: string, options: { mode: 'cold' | 'warm'; summary?: string }): Promise<void> {
    if (this.state === 'ended') return;
    if (!TRANSFER_TARGET.test(to)) {
      throw new PlatformError(`Cannot transfer to '${to}': give an E.164 number or a sip: URI.`);
    }
    const report = this.options.callee.report;
    report.transfer = { to, mode: options.mode, summary: options.summary ?? null, at: this.options.clock.now() };
    this.end('transferred', 'agent', `transferred to ${to}`);
  }

  /** One 20 ms tick of the shared ticker. */
  onFrame(at: number): void {
    if (this.state !== 'answered') return;
    const mark = this.options.callee.frame(at, this.outbound.shift(), this.inbound);
    // The callee may have hung up during its tick; a line that is down delivers nothing.
    if (this.state !== 'answered') return;
    this.audioListener?.(this.inbound, mark);
  }

  private ring(): void {
    if (this.state !== 'setup') return;
    this.state = 'ringing';
    this.emit({ type: 'ringing', at: this.options.clock.now() });
    if (this.options.scenario.network === 'answer') this.after(this.options.timing.answerAfterMs, () => this.answer());
  }

  private answer(): void {
    if (this.state !== 'ringing') return;
    this.cancelTimers();
    this.state = 'answered';
    const at = this.options.clock.now();
    this.emit({ type: 'answered', at });
    this.options.callee.answered(at);
    const hangupAfterMs = this.options.scenario.hangupAfterMs;
    if (hangupAfterMs !== undefined) this.after(hangupAfterMs, () => this.end('hangup_user', 'callee'));
    this.options.ticker.add(this);
  }

  /** The callee pressed a key. */
  calleeDtmf(digit: string, at: number): void {
    if (this.state === 'answered') this.emit({ type: 'dtmf', digit, at });
  }

  /** Ends the call once; `by` says whose act it was, for the callee's report. */
  end(reason: CarrierEndReason, by: 'callee' | 'agent' | 'network', detail?: string): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.cancelTimers();
    this.options.ticker.delete(this);
    this.outbound.clear();
    const at = this.options.clock.now();
    this.options.callee.ended(reason, at, by);
    this.emit(detail === undefined ? { type: 'ended', reason, at } : { type: 'ended', reason, at, detail });
    this.audioListener = null;
    this.options.onEnded(this);
  }

  private emit(event: CarrierEvent): void {
    if (this.eventListener) this.eventListener(event);
    else this.backlog.push(event);
  }

  private after(ms: number, fn: () => void): void {
    this.timers.push(this.options.clock.setTimer(ms, fn));
  }

  private cancelTimers(): void {
    for (const timer of this.timers.splice(0)) timer.cancel();
  }
}
