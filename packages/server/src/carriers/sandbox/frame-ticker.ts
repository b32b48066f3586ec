import type { Clock, Timer } from '../../pipeline/clock.js';

/** Something that does its 20 ms of work on each tick. */
export interface FrameTarget {
  /** `at` is the frame's nominal time on the clock (a multiple of 20 ms from the ticker's start). */
  onFrame(at: number): void;
}

/**
 * After a stall longer than this (a real clock and a blocked event loop), the ticker re-anchors
 * instead of delivering a long burst of late frames: 200 ms is what a carrier's jitter buffer
 * would have thrown away anyway.
 */
const MAX_CATCH_UP_MS = 200;

/**
 * One timer per clock for every sandbox call on it, not one per call: at 200 calls on a virtual
 * clock that is 1 timer per 20 ms instead of 200, and on a real clock one `setTimeout` wake-up
 * serves all calls. Ticks run on absolute deadlines (`start + n × 20 ms`), so they never drift;
 * on a real clock a late wake-up delivers the frames that fell due, in order. The timer exists
 * only while some call is answered, so an idle virtual clock has nothing pending.
 */
export class FrameTicker {
  private readonly targets = new Set<FrameTarget>();
  private timer: Timer | null = null;
  private next = 0;
  private firing = false;

  constructor(
    private readonly clock: Clock,
    private readonly frameMs = 20,
  ) {}

  /** Targets now ticking. */
  get size(): number {
    return this.targets.size;
  }

  /** Starts ticking `target` from the next tick. */
  add(target: FrameTarget): void {
    this.targets.add(target);
    if (this.timer === null && !this.firing) {
      this.next = this.clock.now() + this.frameMs;
      this.schedule();
    }
  }

  /** Stops ticking `target` (safe during its own `onFrame`). */
  delete(target: FrameTarget): void {
    this.targets.delete(target);
    if (this.targets.size === 0 && this.timer !== null) {
      this.timer.cancel();
      this.timer = null;
    }
  }

  private readonly fire = (): void => {
    this.timer = null;
    this.firing = true;
    try {
      const now = this.clock.now();
      if (now - this.next > MAX_CATCH_UP_MS) this.next = now;
      while (this.next <= now && this.targets.size > 0) {
        const at = this.next;
        this.next += this.frameMs;
        for (const target of this.targets) target.onFrame(at);
      }
    } finally {
      this.firing = false;
    }
    if (this.targets.size > 0) this.schedule();
  };

  private schedule(): void {
    this.timer = this.clock.setTimer(this.next - this.clock.now(), this.fire);
  }
}
