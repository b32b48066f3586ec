import type { CarrierCall } from '../../carriers/carrier.js';
import { encodeAlaw, encodeMulaw } from '../audio/g711.js';
import { FramePacer, PacerGroup } from '../audio/pacer.js';
import { Resampler, type SampleRate } from '../audio/resampler.js';
import type { Clock } from '../clock.js';
import { RealClock } from '../clocks.js';
import type { Direction, EndRequestFrame, Frame } from '../frames/index.js';
import { frame } from '../frames/index.js';
import { FrameProcessor } from '../processor.js';
import { spokenText } from '../turn-taking/transcript-cut.js';
import type { LatencyTracker } from './latency.js';
import type { AudioStats, ConversationRecorder } from './types.js';

interface Utterance {
  turn: number;
  segments: { text: string; durationMs: number }[];
  /** Ms of the call's outbound audio (our count) at which this utterance's audio begins. */
  baseMs: number;
  pushedMs: number;
  ttsDone: boolean;
  startedAt: number | undefined;
}

/**
 * The speaking stage: TTS audio → resampled to the carrier's rate → the pacer (one frame every
 * 20 ms) → encoded → `call.sendAudio`, and a copy to the recorder. It knows what was actually
 * played: per agent turn, the audio of each segment and how much of it left, so a barge-in cuts
 * the line where the caller stopped hearing it.
 *
 * Out, both ways: `bot.started_speaking` at a turn's first frame, `bot.stopped_speaking` and
 * `bot.spoken` (the line as heard) when its last frame left or an interruption cut it. A
 * `call.end_requested` is held until every queued turn has been heard.
 */
export class AudioOutputStage extends FrameProcessor {
  private readonly pacer: FramePacer;
  private readonly encoded: Uint8Array;
  private readonly resamplers = new Map<number, Resampler>();
  private readonly utterances: Utterance[] = [];
  private readonly frameMs = 20;
  /** Ms sent so far (our count of the pacer's frames) and ms pushed to the pacer. */
  private sentMs = 0;
  private pushedMs = 0;
  private heldEnd: EndRequestFrame | null = null;
  private readonly rate: number;

  constructor(
    private readonly options: {
      clock: Clock;
      call: CarrierCall;
      latency: LatencyTracker;
      recorder?: ConversationRecorder;
    },
  ) {
    super('audio-output');
    const { media } = options.call;
    this.rate = media.sampleRate;
    this.encoded = new Uint8Array(media.frameBytes);
    this.pacer = new FramePacer({
      clock: options.clock,
      frameSamples: media.sampleRate / 50,
      send: (pcm) => this.send(pcm),
      onDrained: () => this.settle(),
      // Real time: every call of the process on one timer (PacerGroup: at most 500 wake-ups a
      // second instead of 50 per call). Virtual clocks keep a timer per call: tests step them.
      group: options.clock instanceof RealClock ? PacerGroup.shared(options.clock) : undefined,
    });
  }

  /** The pacer's counters. */
  get stats(): AudioStats {
    return { underruns: this.pacer.underruns, skippedFrames: this.pacer.skippedFrames, sentMs: this.sentMs };
  }

  /** Starts the pacer (at answer). */
  start(): void {
    this.pacer.start();
  }

  /** True when no agent audio is playing or waiting. */
  get silent(): boolean {
    return this.utterances.length === 0;
  }

  protected processFrame(f: Frame, direction: Direction): void {
    if (direction === 'upstream') {
      this.pushFrame(f, direction);
      return;
    }
    switch (f.type) {
      case 'llm.response_start':
        this.utterances.push({
          turn: f.turn,
          segments: [],
          baseMs: -1,
          pushedMs: 0,
          ttsDone: false,
          startedAt: undefined,
        });
        break;
      case 'tts.segment':
        this.utterance(f.turn)?.segments.push({ text: f.text, durationMs: 0 });
        return;
      case 'audio.output':
        this.play(f.pcm, f.sampleRate, f.turn, f.segment);
        return;
      case 'tts.done': {
        const u = this.utterance(f.turn);
        if (u) u.ttsDone = true;
        this.pacer.finish();
        this.settle();
        return;
      }
      case 'call.end_requested':
        this.heldEnd = f;
        this.settle();
        return;
      default:
        break;
    }
    this.pushFrame(f, direction);
  }

  protected override onInterruption(): void {
    this.pacer.clear();
    this.options.call.clearAudio();
    this.pushedMs = this.sentMs;
    const playing = this.utterances.splice(0);
    for (const u of playing) {
      if (u.startedAt === undefined) {
        this.options.latency.cancel(u.turn);
        continue;
      }
      const text = spokenText(u.segments, this.sentMs - u.baseMs);
      this.finish(u, text, true);
    }
  }

  protected override onStop(): void {
    this.pacer.stop();
    // The call ended while the agent spoke (the callee hung up on it): its line goes in the
    // transcript cut where the audio stopped, marked interrupted like a barge-in.
    const playing = this.utterances.splice(0);
    for (const u of playing) {
      if (u.startedAt === undefined) continue;
      this.finish(u, spokenText(u.segments, this.sentMs - u.baseMs), true);
    }
  }

  private utterance(turn: number): Utterance | undefined {
    for (const u of this.utterances) if (u.turn === turn) return u;
    return undefined;
  }

  private play(pcm: Int16Array, sampleRate: number, turn: number, segment: number): void {
    const u = this.utterance(turn);
    if (!u) return;
    let out = pcm;
    if (sampleRate !== this.rate) {
      let r = this.resamplers.get(sampleRate);
      if (!r) {
        r = new Resampler({ from: sampleRate as SampleRate, to: this.rate as SampleRate });
        this.resamplers.set(sampleRate, r);
      }
      out = new Int16Array(r.outputLength(pcm.length));
      out = out.subarray(0, r.process(pcm, out));
    }
    const ms = (out.length * 1000) / this.rate;
    if (u.baseMs < 0) u.baseMs = this.pushedMs;
    const seg = u.segments[segment];
    if (seg) seg.durationMs += ms;
    u.pushedMs += ms;
    this.pushedMs += ms;
    this.pacer.push(out);
  }

  private send(pcm: Int16Array): void {
    const { call, recorder, clock } = this.options;
    const encoding = call.media.encoding;
    if (encoding === 'pcmu') encodeMulaw(pcm, this.encoded);
    else if (encoding === 'pcma') encodeAlaw(pcm, this.encoded);
    else this.encoded.set(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    call.sendAudio(this.encoded);
    recorder?.writeOutbound(pcm);
    const frameStart = this.sentMs;
    this.sentMs += this.frameMs;
    // Back-to-back utterances (a `say` queued behind a reply) never drain the pacer between
    // them: the one whose last sample just went out is finished here, not at the next drain.
    const done = this.utterances[0];
    if (done?.ttsDone && this.sentMs >= done.baseMs + done.pushedMs - 1e-6) this.settle();
    const head = this.utterances[0];
    if (head && head.startedAt === undefined && head.baseMs >= 0 && frameStart >= head.baseMs - 1e-6) {
      head.startedAt = clock.now();
      this.options.latency.firstAudioOut(head.turn, head.startedAt);
      const started = frame('bot.started_speaking', { turn: head.turn, at: head.startedAt });
      this.pushFrame(started, 'upstream');
      this.pushFrame(started);
    }
  }

  /** Finishes every head utterance whose audio is all synthesised and sent; releases a held end. */
  private settle(): void {
    for (;;) {
      const head = this.utterances[0];
      if (!head?.ttsDone || this.sentMs < head.baseMs + head.pushedMs - 1e-6) break;
      this.utterances.shift();
      if (head.startedAt !== undefined) this.finish(head, head.segments.map((s) => s.text).join(' '), false);
    }
    if (this.heldEnd && this.utterances.length === 0) {
      const end = this.heldEnd;
      this.heldEnd = null;
      this.pushFrame(end);
    }
  }

  private finish(u: Utterance, text: string, interrupted: boolean): void {
    const at = this.options.clock.now();
    const spoken = frame('bot.spoken', { turn: u.turn, text, interrupted, startAt: u.startedAt ?? at, endAt: at });
    const stopped = frame('bot.stopped_speaking', { turn: u.turn, at });
    this.pushFrame(spoken, 'upstream');
    this.pushFrame(stopped, 'upstream');
    this.pushFrame(spoken);
    this.pushFrame(stopped);
  }
}
