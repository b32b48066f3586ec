import type { CarrierCall, CarrierEvent, MediaFormat } from '../../carriers/carrier.js';
import type { Clock } from '../clock.js';
import type { SpeechMark } from '../speech-mark.js';

/**
 * A carrier call for conversation tests: records what the engine sent (frames with their times,
 * clears, DTMF, hang-up, transfer) and lets the test answer, hang up, press keys and play audio.
 */
export class FakeCarrierCall implements CarrierCall {
  readonly carrierCallId = 'fake-call';
  readonly media: MediaFormat = { encoding: 'pcmu', sampleRate: 8000, frameBytes: 160 };
  /** Times (clock ms) at which each outbound frame was sent. */
  readonly sentAt: number[] = [];
  readonly clears: number[] = [];
  readonly dtmfSent: string[] = [];
  readonly transfers: { to: string; mode: string }[] = [];
  hungUp = false;
  private eventListener: (e: CarrierEvent) => void = () => {};
  private audioListener: (payload: Uint8Array, mark: SpeechMark | undefined) => void = () => {};

  constructor(private readonly clock: Clock) {}

  onEvent(listener: (event: CarrierEvent) => void): void {
    this.eventListener = listener;
  }
  onAudio(listener: (payload: Uint8Array, mark: SpeechMark | undefined) => void): void {
    this.audioListener = listener;
  }
  sendAudio(): void {
    this.sentAt.push(this.clock.now());
  }
  clearAudio(): void {
    this.clears.push(this.clock.now());
  }
  async sendDtmf(digits: string): Promise<void> {
    this.dtmfSent.push(digits);
  }
  async hangup(): Promise<void> {
    this.hungUp = true;
  }
  async transfer(to: string, options: { mode: 'cold' | 'warm' }): Promise<void> {
    this.transfers.push({ to, mode: options.mode });
  }

  answer(): void {
    this.eventListener({ type: 'answered', at: this.clock.now() });
  }
  emit(event: CarrierEvent): void {
    this.eventListener(event);
  }
  /** Plays one inbound 20 ms frame. */
  play(payload: Uint8Array, mark?: SpeechMark): void {
    this.audioListener(payload, mark);
  }
  /** Ms of agent audio sent between two times (20 ms per frame). */
  sentMsBetween(from: number, to = Number.POSITIVE_INFINITY): number {
    return this.sentAt.filter((t) => t >= from && t < to).length * 20;
  }
}

/** A VAD whose speech events the test triggers (the conversation tests script speech, not audio). */
export class ScriptedVad {
  readonly label = 'scripted.vad';
  private listener: (e: { type: 'speech_start' | 'speech_end'; at: number }) => void = () => {};
  constructor(private readonly clock: Clock) {}
  createStream() {
    return {
      push: () => {},
      onEvent: (l: (e: { type: 'speech_start' | 'speech_end'; at: number }) => void) => {
        this.listener = l;
      },
      close: () => {},
    };
  }
  start(): void {
    this.listener({ type: 'speech_start', at: this.clock.now() });
  }
  end(): void {
    this.listener({ type: 'speech_end', at: this.clock.now() });
  }
}
