import type { Clock, Timer } from '../../pipeline/clock.js';
import { AsyncQueue } from '../async-queue.js';
import type { FakeFailure } from './fake-failure.js';

/**
 * The timing and failure machinery the push-style fakes share (STT, TTS, realtime). Items are
 * emitted on the injected clock, never before the session has "connected" (`connectMs`); a
 * `connect` failure fails the session then, a `mid_stream` one after `afterEvents` items.
 * Aborting drops everything pending and ends the iterator at once.
 */
export class FakeSessionCore<T> {
  readonly queue = new AsyncQueue<T>();
  /** Items delivered to the consumer so far. */
  delivered = 0;
  /** True once the session was aborted through its signal. */
  aborted = false;
  private readonly timers = new Set<Timer>();
  private readonly connectedAt: number;
  private endRequested = false;

  constructor(
    private readonly options: { clock: Clock; connectMs: number; failure?: FakeFailure; signal?: AbortSignal },
  ) {
    const { clock, connectMs, failure, signal } = options;
    this.connectedAt = clock.now() + connectMs;
    if (failure?.at === 'connect') this.schedule(0, () => this.queue.fail(failure.error));
    if (signal?.aborted) this.abort();
    else signal?.addEventListener('abort', () => this.abort(), { once: true });
  }

  get closed(): boolean {
    return this.queue.closed;
  }

  /** Delivers `item` after `delayMs` (and not before the connection is up). */
  emit(item: T, delayMs = 0): void {
    this.schedule(delayMs, () => this.deliver(item));
  }

  /** Like `emit`, with the item made at delivery time (it can carry that time; `undefined` skips it). */
  emitLazy(make: () => T | undefined, delayMs = 0): void {
    this.schedule(delayMs, () => {
      const item = make();
      if (item !== undefined) this.deliver(item);
    });
  }

  /** Runs `fn` after `delayMs` (and not before the connection is up), unless the session ends first. */
  schedule(delayMs: number, fn: () => void): void {
    if (this.closed) return;
    const at = Math.max(this.options.clock.now() + delayMs, this.connectedAt);
    const timer = this.options.clock.setTimer(at - this.options.clock.now(), () => {
      this.timers.delete(timer);
      fn();
      this.maybeEnd();
    });
    this.timers.add(timer);
  }

  /** Ends the iterator once everything scheduled has been delivered. */
  endWhenIdle(): void {
    this.endRequested = true;
    this.schedule(0, () => {});
  }

  private deliver(item: T): void {
    if (this.closed) return;
    const failure = this.options.failure;
    if (failure?.at === 'mid_stream' && this.delivered >= failure.afterEvents) {
      this.queue.fail(failure.error);
      return;
    }
    this.delivered++;
    this.queue.push(item);
  }

  private maybeEnd(): void {
    if (this.endRequested && this.timers.size === 0) this.queue.end();
  }

  private abort(): void {
    this.aborted = true;
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    this.queue.abort();
  }
}
