import type { ProviderError } from '../errors.js';
import type { ResilienceOptions } from './fallback.js';
import type { ProviderBase } from './provider.js';
import { resolveRetry, retryDelayMs } from './retry.js';

/**
 * The decision the push-style wrappers (STT, TTS) share after a session failed: retry the same
 * provider (after the backoff), hand over to the next one, or give up. Returns the index of the
 * provider to open next, or null to give up; `attempt` counts retries of the current provider.
 */
export class Handover {
  index = 0;
  private retries = 0;
  private readonly retry;

  constructor(
    private readonly chain: readonly ProviderBase[],
    private readonly options: ResilienceOptions,
  ) {
    this.retry = resolveRetry(options.retry);
  }

  get current(): ProviderBase {
    return this.chain[this.index] as ProviderBase;
  }

  /** What to do after `error`; `midStream`: the failed session had produced output. Resolves after the backoff. */
  async next(error: ProviderError, midStream: boolean, signal: AbortSignal): Promise<number | null> {
    if (error.retryable && this.retries < this.retry.maxRetry) {
      const delayMs = retryDelayMs(this.retry, this.retries, error);
      this.retries++;
      this.options.onRetry?.({ provider: this.current.label, attempt: this.retries, delayMs, error });
      await this.options.clock.sleep(delayMs, signal);
      return this.index;
    }
    const next = this.chain[this.index + 1];
    if (!next) return null;
    this.options.onFallback?.({
      kind: this.current.kind,
      from: this.current.label,
      to: next.label,
      error,
      midStream,
    });
    this.index++;
    this.retries = 0;
    return this.index;
  }

  /** A session produced output: later failures get a fresh retry budget. */
  succeeded(): void {
    this.retries = 0;
  }
}
