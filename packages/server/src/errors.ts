/**
 * One error hierarchy for the whole platform. Everything thrown on purpose is a PlatformError;
 * the HTTP layer renders HttpError as `{detail, code, …}` and anything else as a 500.
 */
export class PlatformError extends Error {
  override name = 'PlatformError';
}

/** One field that failed validation: `path` is dotted (`stt.provider`, `tools.0.url`). */
export interface FieldError {
  path: string;
  message: string;
}

export interface HttpErrorOptions {
  /** Per-field validation failures, rendered as `errors`. */
  errors?: FieldError[];
  /** Extra top-level fields of the body (`retry_after`, `details`, `compliance`). */
  extra?: Record<string, unknown>;
  /** Response headers to send with the error (e.g. `Retry-After`). */
  headers?: Record<string, string>;
}

/** An error the API answers with: status, a snake_case `code`, and a sentence a person can act on. */
export class HttpError extends PlatformError {
  override name = 'HttpError';
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    options: HttpErrorOptions = {},
  ) {
    super(detail);
    this.errors = options.errors;
    this.extra = options.extra;
    this.headers = options.headers;
  }

  /** The JSON body every error response carries. */
  toBody(): Record<string, unknown> {
    return {
      detail: this.detail,
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export const notFound = (what: string, id?: string): HttpError =>
  new HttpError(404, 'not_found', id ? `No ${what} with id '${id}'.` : `No such ${what}.`);

/** A vendor's failure. 4xx is not retryable except 408, 409 and 429. */
export class ProviderError extends PlatformError {
  override name = 'ProviderError';
  readonly provider: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** How long the vendor asked us to wait before trying again (a 429's or 503's `Retry-After`), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    provider: string;
    message: string;
    status?: number;
    retryable?: boolean;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.provider = options.provider;
    this.status = options.status;
    this.retryable = options.retryable ?? isRetryableStatus(options.status);
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true;
  if (status === 408 || status === 409 || status === 429) return true;
  return status >= 500;
}

/** Configuration that cannot be used; start-up stops with this message. */
export class ConfigError extends PlatformError {
  override name = 'ConfigError';
  /** The setting at fault, when one is (`PORT`), and what is wrong with it. */
  readonly setting: string | undefined;
  readonly reason: string | undefined;

  constructor(message: string, options: { setting?: string; reason?: string } = {}) {
    super(message);
    this.setting = options.setting;
    this.reason = options.reason;
  }
}
