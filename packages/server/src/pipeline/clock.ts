/**
 * Time for the media path. Nothing under pipeline/, providers/ or carriers/ reads `Date.now()`
 * or calls `setTimeout` directly: it asks the call's clock, so a sandbox call can run on a
 * virtual clock (sandbox.md, "Accelerated clock") with the same event order as in real time.
 */
export interface Clock {
  /** Milliseconds on a monotonic timeline. The origin is arbitrary; only differences mean anything. */
  now(): number;
  /** Calls `fn` once after `ms` (clamped to ≥ 0). The returned handle cancels it; cancelling twice is harmless. */
  setTimer(ms: number, fn: () => void): Timer;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first (and then drops the timer). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A pending timer. */
export interface Timer {
  cancel(): void;
}
