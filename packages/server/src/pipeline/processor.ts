import type { Direction, ErrorFrame, Frame } from './frames/index.js';
import { frame } from './frames/index.js';

interface Queued {
  frame: Frame;
  direction: Direction;
}

/**
 * A stage of a pipeline (after pipecat's frame_processor.py, our own design). Frames arrive with
 * `queueFrame` from either neighbour; the processor handles them in `processFrame` and passes
 * frames on with `pushFrame`.
 *
 * Ordering: data and control frames are handled one at a time, in arrival order, by a single pump
 * per processor, so what a processor pushes never interleaves (two audio chunks never overlap).
 * When the processor is idle a frame is handled at once, in the caller's stack: a 20 ms audio
 * frame crosses an idle pipeline without a single microtask hop. Only while an async
 * `processFrame` is in flight do frames wait in the queue.
 *
 * System frames (interruption, end, cancel, error) bypass the queue and are handled the moment
 * they arrive, even while a slow data frame is in flight. An interruption drops this processor's
 * queued data and control frames, runs `onInterruption()`, and is passed on at once, so every
 * processor downstream drops its queue in the same synchronous pass.
 *
 * A failure in `processFrame` becomes an error frame pushed upstream (`fatal` per `isFatal`).
 */
export abstract class FrameProcessor {
  private next: FrameProcessor | null = null;
  private prev: FrameProcessor | null = null;
  private readonly queue: Queued[] = [];
  private busy = false;
  private readonly background = new Set<Promise<unknown>>();

  constructor(readonly name: string) {}

  /** Connects `this → next` (downstream) and `next → this` (upstream). Returns `next` for chaining. */
  link(next: FrameProcessor): FrameProcessor {
    this.next = next;
    next.prev = this;
    return next;
  }

  /** Hands a frame to this processor. Never throws; never blocks on the processor's work. */
  queueFrame(f: Frame, direction: Direction = 'downstream'): void {
    if (f.priority === 'system') {
      this.handleSystem(f, direction);
      return;
    }
    this.queue.push({ frame: f, direction });
    if (!this.busy) this.pump();
  }

  /** True when nothing is queued, nothing is in flight and no tracked background task runs. */
  isIdle(): boolean {
    return !this.busy && this.queue.length === 0 && this.background.size === 0;
  }

  /** Handles one data or control frame. Frames it does not handle it should push on unchanged. */
  protected abstract processFrame(f: Frame, direction: Direction): void | Promise<void>;

  /** Called for an interruption, after the queue was dropped and before the frame is passed on. */
  protected onInterruption(): void {}

  /** Called once for `end` or `cancel`, before the frame is passed on: release streams and timers. */
  protected onStop(_graceful: boolean): void {}

  /** Whether an error thrown by `processFrame` ends the call. Default: every error does. */
  protected isFatal(_error: unknown): boolean {
    return true;
  }

  /** Sends a frame to the neighbour in `direction` (dropped at the edge of an unlinked chain). */
  protected pushFrame(f: Frame, direction: Direction = 'downstream'): void {
    const target = direction === 'downstream' ? this.next : this.prev;
    target?.queueFrame(f, direction);
  }

  /** Reports a failure upstream as an error frame. */
  protected pushError(error: unknown, fatal = this.isFatal(error)): void {
    const e: ErrorFrame = frame('error', { error, fatal, source: this.name });
    this.pushFrame(e, 'upstream');
  }

  /**
   * Runs work outside the pump (a provider stream being read) and keeps it visible to `isIdle`;
   * a rejection becomes an error frame.
   */
  protected track(work: Promise<unknown>): void {
    const tracked = work.then(
      () => undefined,
      (error: unknown) => this.pushError(error),
    );
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  private handleSystem(f: Frame, direction: Direction): void {
    switch (f.type) {
      case 'interruption':
        this.dropQueued();
        this.onInterruption();
        break;
      case 'end':
      case 'cancel':
        this.queue.length = 0;
        this.onStop(f.type === 'end');
        break;
      default:
        break;
    }
    this.pushFrame(f, direction);
  }

  /** Drops queued data and control frames (system frames never wait in the queue). */
  private dropQueued(): void {
    this.queue.length = 0;
  }

  private pump(): void {
    this.busy = true;
    for (;;) {
      const item = this.queue.shift();
      if (!item) break;
      let result: void | Promise<void>;
      try {
        result = this.processFrame(item.frame, item.direction);
      } catch (error) {
        this.pushError(error);
        continue;
      }
      if (result instanceof Promise) {
        result.then(
          () => this.pump(),
          (error: unknown) => {
            this.pushError(error);
            this.pump();
          },
        );
        return;
      }
    }
    this.busy = false;
  }
}

/** A processor that passes everything on: a base for processors that only watch. */
export class PassThrough extends FrameProcessor {
  protected processFrame(f: Frame, direction: Direction): void {
    this.pushFrame(f, direction);
  }
}
