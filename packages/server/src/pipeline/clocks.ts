import { performance } from 'node:perf_hooks';
import type { Clock, Timer } from './clock.js';

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('aborted', 'AbortError');
}

/** Wall time: `performance.now()` and the event loop's timers. */
export class RealClock implements Clock {
  now(): number {
    return performance.now();
  }

  setTimer(ms: number, fn: () => void): Timer {
    const handle = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}

function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      timer.cancel();
      reject(abortError(signal as AbortSignal));
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface VirtualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Lets every callback that is ready (promise jobs, finished I/O) run before time moves on. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Virtual time (sandbox.md, "Accelerated clock"): time stands still until it is advanced, and
 * then jumps from timer to timer, so a 3-minute call runs in the time its work takes, with the
 * same order of events as in real time. Timers due at the same instant fire in the order they
 * were set.
 *
 * Real work that must not be skipped over (a TTS process synthesising, a database write the
 * call waits for) takes a `hold()`: while any hold is open, `run()` does not move time, so that
 * work costs no virtual time instead of letting timeouts fire around it.
 */
export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers: VirtualTimer[] = [];
  private holds = 0;
  private wake: (() => void) | null = null;

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const timer: VirtualTimer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    // Kept sorted by (at, seq); timers are few per call, so an insertion beats a heap's constant.
    let i = this.timers.length;
    while (i > 0 && (this.timers[i - 1] as VirtualTimer).at > timer.at) i--;
    this.timers.splice(i, 0, timer);
    this.notify();
    return { cancel: () => this.cancel(timer) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Timers not yet fired or cancelled. */
  get pending(): number {
    return this.timers.length;
  }

  /** Stops `run()` from moving time until the returned function is called (once). */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.notify();
    };
  }

  /** Moves time forward by `ms`, firing every timer due on the way in order, and settling after each. */
  async advance(ms: number): Promise<void> {
    const until = this.time + Math.max(0, ms);
    await settle();
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.fire();
      await settle();
    }
    this.time = until;
  }

  /**
   * Runs as fast as the work allows: whenever nothing holds the clock, jumps to the next timer
   * and fires it; when no timer is pending, waits for one to be set or for `signal`. Resolves
   * when `signal` aborts or when `until()` turns true (checked after each timer).
   */
  async run(options: { signal?: AbortSignal; until?: () => boolean } = {}): Promise<void> {
    const { signal, until } = options;
    await settle();
    while (!signal?.aborted && !until?.()) {
      if (this.holds > 0 || this.timers.length === 0) {
        await this.idle(signal);
        continue;
      }
      this.fire();
      await settle();
    }
  }

  private fire(): void {
    const timer = this.timers.shift() as VirtualTimer;
    if (timer.at > this.time) this.time = timer.at;
    timer.fn();
  }

  private cancel(timer: VirtualTimer): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    const i = this.timers.indexOf(timer);
    if (i >= 0) this.timers.splice(i, 1);
  }

  private idle(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.wake = null;
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.wake = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private notify(): void {
    this.wake?.();
  }
}
