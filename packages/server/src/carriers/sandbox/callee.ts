import type { SpeechMark } from '../../pipeline/speech-mark.js';
import type { CarrierEndReason } from '../carrier.js';
import { AgentEar, type AgentEarOptions } from './agent-ear.js';
import { type CalleeReport, emptyReport, type SpokenLine } from './callee-report.js';
import { FRAME_BYTES, FRAME_MS, type RenderedLine } from './line-renderer.js';
import type { Scenario } from './scenarios.js';

/** A script item with its audio ready. */
export type PreparedItem = { kind: 'say'; line: RenderedLine } | { kind: 'dtmf'; digits: string } | { kind: 'hangup' };

/** What the callee can do to the call. */
export interface CalleeActions {
  /** The callee hangs up (`hangup_user`). */
  hangup(at: number): void;
  /** The callee presses one key. */
  dtmf(digit: string, at: number): void;
}

export interface CalleeOptions {
  /** Prefix of the utterance ids its speech marks carry. */
  id: string;
  scenario: Scenario;
  /** The lines, in order (the scenario's, or the request's script). */
  items: readonly PreparedItem[];
  /** Said after the lines run out, then the callee hangs up. */
  closing: PreparedItem | null;
  /** The machine's beep (voicemail only). */
  beep: RenderedLine | null;
  /** The line's background while the callee is silent. */
  comfortNoise: RenderedLine;
  actions: CalleeActions;
  ear?: AgentEarOptions;
}

/** After its closing line the callee waits this long for the agent to hang up, then does. */
const CLOSING_HANGUP_MS = 2000;
/** A key press every 200 ms (a 100 ms tone and a 100 ms gap, as phones dial). */
const DTMF_INTERVAL_MS = 200;

interface Mouth {
  line: RenderedLine;
  frame: number;
  marks: SpeechMark[] | null;
  spoken: SpokenLine | null;
  after: 'next_greeting' | 'record' | 'hang_up_soon' | null;
}

/**
 * A scripted callee (sandbox.md): each 20 ms it hears the frame the line played of the agent
 * and says one frame back. It **listens** (it replies with its next line once the agent has
 * been quiet for 600 ms after speaking) and **speaks** real audio frames whose speech marks
 * carry the words. Scenario parameters add the rest: a barge-in over the agent's Nth
 * utterance, an answering machine's greeting, beep and recording, a closing line.
 */
export class Callee {
  readonly report: CalleeReport;
  private readonly ear: AgentEar;
  private mouth: Mouth | null = null;
  private next = 0;
  private closingUsed = false;
  private phase: 'conversation' | 'greeting' | 'recording' | 'done' = 'conversation';
  private noiseFrame = 0;
  private utteranceSeq = 0;
  private dtmfQueue = '';
  private dtmfNextAt = 0;
  private hangupAt = Number.POSITIVE_INFINITY;
  private messageSquareSum = 0;
  private messageFrames = 0;

  constructor(private readonly options: CalleeOptions) {
    this.report = emptyReport(options.scenario.name, options.scenario.machine !== undefined);
    this.ear = new AgentEar(options.ear);
  }

  /** The call was answered: a machine starts its greeting at once, a person waits to hear the agent. */
  answered(at: number): void {
    this.report.answeredAt = at;
    if (this.options.scenario.machine) {
      this.phase = 'greeting';
      this.nextGreetingItem(at);
    }
  }

  /**
   * One tick: `heard` is the agent's frame the line played (null: none), `out` receives the
   * callee's frame. Returns the frame's speech mark when it belongs to a line.
   */
  frame(at: number, heard: Uint8Array | null, out: Uint8Array): SpeechMark | undefined {
    const transition = this.ear.hear(heard, at, FRAME_MS);
    if (transition === 'start') this.report.agentUtterances.push({ startAt: at, endAt: null, durationMs: null });
    if (this.ear.loud) this.onLoud(at);
    if (transition === 'end') this.onAgentFinished(at);
    this.maybeBargeIn(at);
    this.pumpDtmf(at);
    if (at >= this.hangupAt || this.machineDone(at)) {
      this.options.actions.hangup(at);
      return undefined;
    }
    if (this.phase === 'done') return undefined;
    return this.speak(at, out);
  }

  /** The agent pressed keys. */
  dtmfReceived(digits: string): void {
    this.report.dtmfReceived += digits;
  }

  /** The call ended (whoever ended it); the callee stops and closes its records. */
  ended(reason: CarrierEndReason, at: number, by: 'callee' | 'agent' | 'network'): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.report.ended = { reason, at, by };
    const spoken = this.mouth?.spoken;
    if (spoken && spoken.endAt === null) {
      spoken.endAt = at;
      spoken.cut = true;
    }
    this.mouth = null;
    const last = this.report.agentUtterances[this.report.agentUtterances.length - 1];
    if (last && last.endAt === null) this.closeUtterance(last);
    this.settleBargeIn();
  }

  private onLoud(at: number): void {
    this.report.agentSpeechMs = this.ear.loudMs;
    const voicemail = this.report.voicemail;
    if (!voicemail) return;
    if (this.phase === 'greeting') voicemail.agentSpeechDuringGreetingMs += FRAME_MS;
    else if (this.phase === 'recording') {
      voicemail.messageMs += FRAME_MS;
      voicemail.messageStartAt ??= at;
      voicemail.messageEndAt = at + FRAME_MS;
      this.messageSquareSum += this.ear.meanSquare;
      this.messageFrames++;
      voicemail.messageRms = Math.round(Math.sqrt(this.messageSquareSum / this.messageFrames));
    }
  }

  private onAgentFinished(at: number): void {
    const last = this.report.agentUtterances[this.report.agentUtterances.length - 1];
    if (last) this.closeUtterance(last);
    this.settleBargeIn();
    // Talked over by the agent while saying a line, or a machine: no reply to this one.
    if (this.phase !== 'conversation' || this.mouth !== null) return;
    const item = this.takeItem();
    if (item) this.perform(item, at, false);
  }

  private closeUtterance(utterance: { startAt: number; endAt: number | null; durationMs: number | null }): void {
    utterance.endAt = this.ear.endOf(FRAME_MS);
    utterance.durationMs = utterance.endAt - utterance.startAt;
  }

  /** The next line, or the closing once the lines are used up (then nothing). */
  private takeItem(): { item: PreparedItem; closing: boolean } | null {
    const item = this.options.items[this.next];
    if (item) {
      this.next++;
      return { item, closing: false };
    }
    if (this.options.closing && !this.closingUsed) {
      this.closingUsed = true;
      return { item: this.options.closing, closing: true };
    }
    return null;
  }

  private perform(taken: { item: PreparedItem; closing: boolean }, at: number, bargeIn: boolean): void {
    const { item, closing } = taken;
    if (item.kind === 'say') this.say(item.line, at, { bargeIn, after: closing ? 'hang_up_soon' : null });
    else if (item.kind === 'dtmf') this.dtmfQueue += item.digits;
    else this.hangupAt = at;
  }

  private maybeBargeIn(at: number): void {
    const plan = this.options.scenario.bargeIn;
    if (!plan || this.report.bargeIn || this.mouth || this.phase !== 'conversation') return;
    const ear = this.ear;
    // Only over audible speech: an utterance's trailing quiet is not something to talk over.
    if (!ear.loud || ear.utterances < plan.agentUtterance || at - ear.startAt < plan.afterMs) return;
    const item = this.takeItem();
    if (!item) return;
    if (item.item.kind === 'say') this.report.bargeIn = { at, agentUtterance: ear.utterances };
    this.perform(item, at, true);
  }

  /** Once the interrupted utterance has ended, how long the agent went on after the onset. */
  private settleBargeIn(): void {
    const bargeIn = this.report.bargeIn;
    if (!bargeIn || this.report.agentStoppedAfterMs !== null) return;
    if (this.ear.utterances !== bargeIn.agentUtterance) return;
    this.report.agentStoppedAfterMs = Math.max(0, this.ear.endOf(FRAME_MS) - bargeIn.at);
  }

  private pumpDtmf(at: number): void {
    if (this.dtmfQueue.length === 0 || at < this.dtmfNextAt) return;
    const digit = this.dtmfQueue[0] as string;
    this.dtmfQueue = this.dtmfQueue.slice(1);
    this.dtmfNextAt = at + DTMF_INTERVAL_MS;
    this.report.dtmfSent += digit;
    this.options.actions.dtmf(digit, at);
  }

  /** A machine greets with every line of its script in a row, dialling or hanging up where told. */
  private nextGreetingItem(at: number): void {
    for (;;) {
      const taken = this.takeItem();
      if (!taken) break;
      if (taken.item.kind === 'say') {
        this.say(taken.item.line, at, { bargeIn: false, after: 'next_greeting' });
        return;
      }
      this.perform(taken, at, false);
    }
    const voicemail = this.report.voicemail;
    if (voicemail) voicemail.greetingEndAt = at;
    if (this.options.beep) this.say(this.options.beep, at, { bargeIn: false, after: 'record' });
    else this.startRecording(at);
  }

  private startRecording(at: number): void {
    this.phase = 'recording';
    if (this.report.voicemail) this.report.voicemail.recordingFrom = at;
  }

  private machineDone(at: number): boolean {
    const machine = this.options.scenario.machine;
    const from = this.report.voicemail?.recordingFrom;
    if (!machine || this.phase !== 'recording' || from == null) return false;
    const message = this.report.voicemail as NonNullable<CalleeReport['voicemail']>;
    if (at - from >= machine.maxMessageMs) return true;
    if (message.messageEndAt === null) return at - from >= machine.noMessageMs;
    return at - message.messageEndAt >= machine.endSilenceMs;
  }

  private say(line: RenderedLine, at: number, options: { bargeIn: boolean; after: Mouth['after'] }): void {
    let marks: SpeechMark[] | null = null;
    let spoken: SpokenLine | null = null;
    if (line.words.length > 0) {
      const utteranceId = `${this.options.id}-u${++this.utteranceSeq}`;
      // One mark per frame made here, once per line, so that speaking allocates nothing per frame.
      marks = new Array<SpeechMark>(line.frames);
      for (let i = 0; i < line.frames; i++) {
        marks[i] = {
          utteranceId,
          text: line.text,
          words: line.words,
          offsetMs: i * FRAME_MS,
          durationMs: line.durationMs,
        };
      }
      spoken = { text: line.text, utteranceId, startAt: at, endAt: null, bargeIn: options.bargeIn, cut: false };
      this.report.lines.push(spoken);
    }
    this.mouth = { line, frame: 0, marks, spoken, after: options.after };
  }

  private speak(at: number, out: Uint8Array): SpeechMark | undefined {
    const mouth = this.mouth;
    if (!mouth) {
      const noise = this.options.comfortNoise;
      copyFrame(noise.mulaw, this.noiseFrame * FRAME_BYTES, out);
      this.noiseFrame = (this.noiseFrame + 1) % noise.frames;
      return undefined;
    }
    // A line decided on during a tick starts on the line with that tick's frame.
    if (mouth.frame === 0 && mouth.spoken) mouth.spoken.startAt = at;
    copyFrame(mouth.line.mulaw, mouth.frame * FRAME_BYTES, out);
    const mark = mouth.marks?.[mouth.frame];
    mouth.frame++;
    if (mouth.frame === mouth.line.frames) this.finish(mouth, at + FRAME_MS);
    return mark;
  }

  /** A line's last frame went out; `end` is when it finishes playing. */
  private finish(mouth: Mouth, end: number): void {
    this.mouth = null;
    if (mouth.spoken) mouth.spoken.endAt = end;
    if (mouth.after === 'next_greeting') this.nextGreetingItem(end);
    else if (mouth.after === 'record') this.startRecording(end);
    else if (mouth.after === 'hang_up_soon') this.hangupAt = end + CLOSING_HANGUP_MS;
  }
}

function copyFrame(src: Uint8Array, offset: number, out: Uint8Array): void {
  for (let i = 0; i < FRAME_BYTES; i++) out[i] = src[offset + i] as number;
}
