import type { Clock } from '../pipeline/clock.js';
import { providerTimeout, toProviderError } from './errors.js';
import type { RetryOptions } from './provider.js';

/**
 * The one retry loop of every provider (STYLE.md): a failed attempt is retried only when its
 * `ProviderError` is `retryable`, after `retryIntervalMs`, doubled for each further retry
 * (200, 400 ms by default: 600 ms lost at most before the fallback takes over, which a caller
 * hears as a pause, not as a dead line). All waits are on the call's clock.
 */
export const DEFAULT_RETRY: RetryOptions = { maxRetry: 2, retryIntervalMs: 200, timeoutMs: 10_000 };

export interface RetryRunOptions {
  clock: Clock;
  /** The label errors are attributed to. */
  provider: string;
  retry?: Partial<RetryOptions>;
  /** Aborting stops retrying; the abort is not reported as a provider failure. */
  signal?: AbortSignal;
  /** Called before each retry's wait. */
  onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
}

export function resolveRetry(retry: Partial<RetryOptions> | undefined): RetryOptions {
  return { ...DEFAULT_RETRY, ...retry };
}

/**
 * The longest `Retry-After` honoured: a caller hears more than ~2 s of silence as a dead line, so a
 * vendor asking for longer is waited on for 2 s (then the fallback takes over if that fails too).
 */
export const MAX_RETRY_AFTER_MS = 2000;

/**
 * Wait before retry number `retry` (0-based): the backoff, or the vendor's `Retry-After` (429, 503)
 * when longer, capped at `MAX_RETRY_AFTER_MS`.
 */
export function retryDelayMs(options: RetryOptions, retry: number, error?: { retryAfterMs?: number }): number {
  const backoff = options.retryIntervalMs * 2 ** retry;
  return Math.max(backoff, Math.min(error?.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/** An AbortController that also aborts when `parent` does. */
function childController(parent: AbortSignal | undefined): AbortController {
  const controller = new AbortController();
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', () => controller.abort(parent.reason), { once: true });
  return controller;
}

/** Races `promise` against `timeoutMs` on the clock; on timeout aborts `controller` and throws a retryable error. */
async function withTimeout<T>(
  promise: Promise<T>,
  options: { clock: Clock; timeoutMs: number; provider: string; controller: AbortController },
): Promise<T> {
  let timer: { cancel(): void } | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = options.clock.setTimer(options.timeoutMs, () => {
      const error = providerTimeout(options.provider, options.timeoutMs);
      options.controller.abort(error);
      reject(error);
    });
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    timer?.cancel();
  }
}

/**
 * Runs `attempt` until it resolves, retrying retryable failures; each attempt gets its own signal,
 * aborted on timeout. Throws the last `ProviderError`, or the abort reason when `signal` aborts.
 */
export async function withRetry<T>(
  attempt: (info: { signal: AbortSignal; attempt: number }) => Promise<T>,
  options: RetryRunOptions,
): Promise<T> {
  const retry = resolveRetry(options.retry);
  for (let n = 0; ; n++) {
    const controller = childController(options.signal);
    try {
      return await withTimeout(attempt({ signal: controller.signal, attempt: n }), {
        ...options,
        timeoutMs: retry.timeoutMs,
        controller,
      });
    } catch (caught) {
      if (options.signal?.aborted) throw options.signal.reason ?? caught;
      const error = toProviderError(options.provider, caught);
      if (!error.retryable || n >= retry.maxRetry) throw error;
      const delayMs = retryDelayMs(retry, n, error);
      options.onRetry?.({ attempt: n + 1, delayMs, error });
      await options.clock.sleep(delayMs, options.signal);
    }
  }
}

/**
 * A pull stream (an LLM completion) retried until its first item: before anything was yielded a
 * retry is invisible to the consumer, after it the error is thrown (classified) for the fallback
 * to handle. `timeoutMs` bounds the wait for the first item. Ends quietly when `signal` aborts.
 */
export async function* retryStream<T>(
  open: (signal: AbortSignal) => AsyncIterable<T>,
  options: RetryRunOptions,
): AsyncGenerator<T> {
  const retry = resolveRetry(options.retry);
  for (let n = 0; ; n++) {
    const controller = childController(options.signal);
    const iterator = open(controller.signal)[Symbol.asyncIterator]();
    let first: IteratorResult<T>;
    try {
      first = await withTimeout(iterator.next(), { ...options, timeoutMs: retry.timeoutMs, controller });
    } catch (caught) {
      void iterator.return?.()?.catch(() => {});
      if (options.signal?.aborted) return;
      const error = toProviderError(options.provider, caught);
      if (!error.retryable || n >= retry.maxRetry) throw error;
      const delayMs = retryDelayMs(retry, n, error);
      options.onRetry?.({ attempt: n + 1, delayMs, error });
      try {
        await options.clock.sleep(delayMs, options.signal);
      } catch {
        return;
      }
      continue;
    }
    try {
      if (first.done) return;
      yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } catch (caught) {
      if (options.signal?.aborted) return;
      throw toProviderError(options.provider, caught);
    } finally {
      await iterator.return?.();
    }
  }
}
