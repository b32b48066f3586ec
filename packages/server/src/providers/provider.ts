import type { ProviderKind } from './registry.js';

/**
 * What every provider adapter has, whatever its kind (STYLE.md, after agents-js). Adapters take
 * their options as an object with defaults; environment variables are read only by the registry.
 */
export interface ProviderBase {
  /** `<id>.<kind>`, e.g. `deepgram.stt`, `sandbox.stt`: used in logs, metrics and `ProviderError.provider`. */
  readonly label: string;
  readonly kind: ProviderKind;
}

/** How the shared base retries a failed connection or request (once, in one place). */
export interface RetryOptions {
  /** Attempts after the first (default 2). Only errors with `retryable: true` are retried. */
  maxRetry: number;
  /** Wait before the first retry, doubled for each next one (default 200 ms). */
  retryIntervalMs: number;
  /** Give up on one attempt after this long (default 10 s); counts as a retryable error. */
  timeoutMs: number;
}
