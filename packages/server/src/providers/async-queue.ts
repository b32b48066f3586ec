/**
 * A single-consumer push queue read with `for await`: the sessions of the push-style providers
 * (STT, TTS, realtime) produce events from callbacks and timers, and their consumer pulls them.
 * Items pushed after `end()` or `fail()` are dropped, so a late timer cannot resurrect a session.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null;
  private ended = false;
  private error: { value: unknown } | null = null;
  private iterated = false;

  /** True once `end` or `fail` was called (items already queued are still delivered). */
  get closed(): boolean {
    return this.ended || this.error !== null;
  }

  push(item: T): void {
    if (this.closed) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
  }

  /** The consumer's iteration ends after the items already queued. */
  end(): void {
    if (this.closed) return;
    this.ended = true;
    this.settle();
  }

  /** The consumer's iteration throws `error` after the items already queued. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.error = { value: error };
    this.settle();
  }

  /** Drops queued items and ends at once (abort). */
  abort(): void {
    this.items.length = 0;
    this.end();
  }

  private settle(): void {
    if (!this.waiting || this.items.length > 0) return;
    const waiting = this.waiting;
    this.waiting = null;
    if (this.error) waiting.reject(this.error.value);
    else waiting.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterated) throw new Error('AsyncQueue has a single consumer');
    this.iterated = true;
    return {
      next: () => {
        if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
        if (this.error) return Promise.reject(this.error.value);
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiting = { resolve, reject };
        });
      },
      return: () => {
        this.abort();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
