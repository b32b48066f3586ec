import type { Clock, Timer } from '../clock.js';
import type { Direction, Frame } from '../frames/index.js';
import { frame } from '../frames/index.js';
import { FrameProcessor } from '../processor.js';
import { countWords } from './transcript-cut.js';

export interface TurnTakingOptions {
  clock: Clock;
  /**
   * After the caller stops speaking (VAD) and a final transcript says the utterance is complete,
   * wait this long for more speech before taking the turn (default 300 ms): short enough to feel
   * quick, long enough to bridge the pause between two clauses.
   */
  minEndpointingMs?: number;
  /**
   * The longest wait after the caller stops speaking when the STT has not said the utterance is
   * complete (default 1500 ms); then the turn is taken with what was heard.
   */
  maxEndpointingMs?: number;
  /** The agent's `interruptions` setting. */
  interruptions: { enabled: boolean; min_words: number };
  /**
   * Barge-in also happens after this much continuous caller speech, counted from when the speech
   * BEGAN (the VAD event's `at`), not from the VAD's decision, even before the STT has produced
   * `min_words` words (default 200 ms). The VAD's own minimum speech (150 ms) runs inside this
   * span, so the two delays do not add up: with 100 ms here the agent is cut the moment the VAD
   * decides (150 ms after the onset), and with 200 ms, 200 ms after it. A sound shorter than the
   * larger of the two never interrupts.
   */
  bargeInMinSpeechMs?: number;
}

/**
 * The turn-taking engine: decides when the caller's turn is over (endpointing) and when the
 * caller is taking the floor from the agent (barge-in).
 *
 * Endpointing combines three signals: the VAD's silence (`user.stopped_speaking`), the STT's
 * finals (and their `endOfUtterance`), and a delay. The turn is taken `minEndpointingMs` after
 * the later of VAD silence and a final marked `endOfUtterance`; without such a final it is taken
 * `maxEndpointingMs` after VAD silence with whatever finals and interim text there are. Speech
 * resuming cancels the pending decision. Out: one `user.turn` frame per turn.
 *
 * Barge-in: while the agent speaks (between `bot.started_speaking` and `bot.stopped_speaking`,
 * which travel upstream from the output stage), caller speech that reaches `min_words` words or
 * `bargeInMinSpeechMs` of continuous speech (from its onset) pushes an `interruption` downstream. Speech that
 * reaches neither (a backchannel while the agent talks) is not a turn: it is dropped.
 */
export class UserTurnProcessor extends FrameProcessor {
  private readonly clock: Clock;
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly bargeInMs: number;
  private readonly interruptions: { enabled: boolean; min_words: number };

  private userSpeaking = false;
  private speechEndAt: number | undefined;
  private finals: string[] = [];
  private lastFinalAt: number | undefined;
  private complete = false;
  private interim = '';
  private botSpeaking = false;
  private bargedIn = false;
  private endpointTimer: Timer | null = null;
  private bargeInTimer: Timer | null = null;

  constructor(options: TurnTakingOptions) {
    super('turn-taking');
    this.clock = options.clock;
    this.minMs = options.minEndpointingMs ?? 300;
    this.maxMs = options.maxEndpointingMs ?? 1500;
    this.bargeInMs = options.bargeInMinSpeechMs ?? 200;
    this.interruptions = options.interruptions;
  }

  protected processFrame(f: Frame, direction: Direction): void {
    switch (f.type) {
      case 'user.started_speaking':
        this.userSpeaking = true;
        this.cancelEndpoint();
        if (this.botSpeaking && this.interruptions.enabled && !this.bargedIn) {
          this.bargeInTimer?.cancel();
          this.bargeInTimer = null;
          const wait = f.at + this.bargeInMs - this.clock.now();
          // Already long enough (the VAD took at least as long to decide): cut now, before the
          // start frame travels on, so the interruption cannot drop it from a queue downstream.
          if (wait <= 0) this.bargeIn();
          else this.bargeInTimer = this.clock.setTimer(wait, () => this.bargeIn());
        }
        break;
      case 'user.stopped_speaking':
        this.userSpeaking = false;
        this.speechEndAt = f.at;
        this.bargeInTimer?.cancel();
        this.scheduleEndpoint();
        break;
      case 'transcript.interim':
        this.interim = f.text;
        this.checkWords();
        break;
      case 'transcript.final':
        if (f.text.trim()) this.finals.push(f.text.trim());
        this.interim = '';
        this.lastFinalAt = f.at;
        this.complete = f.endOfUtterance;
        this.checkWords();
        // A final without VAD speech (the VAD missed a quiet caller) ends speech where it stands.
        if (!this.userSpeaking) {
          this.speechEndAt ??= f.at;
          this.scheduleEndpoint();
        }
        break;
      case 'bot.started_speaking':
        this.botSpeaking = true;
        this.bargedIn = false;
        break;
      case 'bot.stopped_speaking':
        this.botSpeaking = false;
        this.bargeInTimer?.cancel();
        break;
      default:
        break;
    }
    this.pushFrame(f, direction);
  }

  protected override onStop(): void {
    this.cancelEndpoint();
    this.bargeInTimer?.cancel();
  }

  private heardText(): string {
    return [...this.finals, this.interim.trim()].filter(Boolean).join(' ');
  }

  private checkWords(): void {
    if (!this.botSpeaking || !this.interruptions.enabled || this.bargedIn) return;
    if (countWords(this.heardText()) >= Math.max(1, this.interruptions.min_words)) this.bargeIn();
  }

  private bargeIn(): void {
    if (!this.botSpeaking || this.bargedIn) return;
    this.bargedIn = true;
    this.bargeInTimer?.cancel();
    this.pushFrame(frame('interruption', { at: this.clock.now() }));
  }

  private cancelEndpoint(): void {
    this.endpointTimer?.cancel();
    this.endpointTimer = null;
  }

  private scheduleEndpoint(): void {
    if (this.userSpeaking || this.speechEndAt === undefined) return;
    this.cancelEndpoint();
    const ready = this.complete && this.lastFinalAt !== undefined;
    const from = ready ? Math.max(this.speechEndAt, this.lastFinalAt as number) : this.speechEndAt;
    const due = from + (ready ? this.minMs : this.maxMs);
    this.endpointTimer = this.clock.setTimer(due - this.clock.now(), () => this.endpoint());
  }

  private endpoint(): void {
    this.endpointTimer = null;
    const text = this.heardText();
    const speechEndAt = this.speechEndAt ?? this.clock.now();
    const sttFinalAt = this.interim.trim() ? undefined : this.lastFinalAt;
    const backchannel = this.botSpeaking && !this.bargedIn;
    this.finals = [];
    this.interim = '';
    this.complete = false;
    this.speechEndAt = undefined;
    this.lastFinalAt = undefined;
    if (!text || backchannel) return;
    this.pushFrame(frame('user.turn', { text, speechEndAt, sttFinalAt, at: this.clock.now() }));
  }
}
