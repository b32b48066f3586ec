import { ProviderError } from '../errors.js';

/**
 * Turning what a vendor call can throw into one `ProviderError` with the right `retryable`
 * (STYLE.md, after agents-js `_exceptions.ts`): 4xx is the request's fault and is not retried,
 * except 408 (timeout), 409 (conflict, e.g. a concurrent-session limit being released) and 429
 * (rate limited); 5xx and network failures are retried.
 */

/** Node and undici error codes of a connection that failed or dropped: worth another attempt. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * An HTTP response the vendor refused; `body` (truncated to 300 characters) helps whoever reads the
 * log; `retryAfter` is the response's `Retry-After` header (RFC 9110 §10.2.3: seconds or an HTTP date).
 */
export function providerErrorFromStatus(
  provider: string,
  status: number,
  body?: string,
  retryAfter?: string | null,
): ProviderError {
  const detail = body?.trim() ? `: ${body.trim().slice(0, 300)}` : '';
  const retryAfterMs = parseRetryAfter(retryAfter);
  return new ProviderError({ provider, status, retryAfterMs, message: `${provider} answered HTTP ${status}${detail}` });
}

/** `Retry-After` in milliseconds: delay-seconds (`"2"`, `"0.5"` as some vendors send) or an HTTP date; else undefined. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value?.trim()) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** An attempt that took longer than the retry options allow: retryable, like a 408. */
export function providerTimeout(provider: string, timeoutMs: number): ProviderError {
  return new ProviderError({ provider, retryable: true, message: `${provider} did not answer within ${timeoutMs} ms` });
}

/** The error code of a network failure, looking through `fetch`'s `TypeError('fetch failed')` wrapper. */
function networkCode(error: unknown): string | undefined {
  for (
    let e = error, depth = 0;
    e && typeof e === 'object' && depth < 4;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * Classifies anything an adapter caught. A `ProviderError` passes through; a transient network
 * failure becomes a retryable one; an object with a numeric HTTP `status` (vendor SDK errors)
 * is classified by status; anything else (a bug, a bad argument, an unknown DNS name) is not
 * retryable, so that retries do not hide it.
 */
export function toProviderError(provider: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 600)
    return new ProviderError({ provider, status, message: `${provider}: ${message}`, cause: error });
  const code = networkCode(error);
  const retryable = code !== undefined && TRANSIENT_NETWORK_CODES.has(code);
  return new ProviderError({
    provider,
    retryable,
    message: `${provider}: ${message}${code ? ` (${code})` : ''}`,
    cause: error,
  });
}
