import { PlatformError } from '../errors.js';

/** A claimed job, as a handler receives it. */
export interface Job {
  id: number;
  queue: string;
  payload: Record<string, unknown>;
  /** Attempts so far, this one included (1 on the first run). */
  attempts: number;
  maxAttempts: number;
  key: string | null;
}

/** A job to enqueue. */
export interface NewJob {
  queue: string;
  payload?: Record<string, unknown>;
  /** Not before this time; default now. */
  runAt?: Date;
  /** Runs before it is failed for good; default 25. */
  maxAttempts?: number;
  /** Dedupe key: while a job with the same queue and key exists, adding another does nothing. */
  key?: string;
}

/** How a failed job is retried. Backoff is computed in SQL (sql/fail-job.ts). */
export interface RetryPolicy {
  /**
   * Delay in seconds after the nth failed attempt (index n-1); the last entry repeats. Empty or
   * absent: exponential, e^min(attempts, 10) seconds (2.7 s, 7.4 s, … capped at ~6 h), as
   * graphile-worker does.
   */
  scheduleSec?: number[];
  /** ± fraction of the delay drawn at random, so retries of many jobs spread out; default 0.1. */
  jitter?: number;
}

/** What a handler may return instead of completing the job. */
export interface JobReschedule {
  /** Run the same job again at this time (a recurring job, or "not now"). */
  rescheduleAt: Date;
  /** Whether this run counts as an attempt; default false (the job is not failing). */
  countAttempt?: boolean;
}

export interface JobContext {
  /** Aborted when the runner stops and its grace period is over. */
  signal: AbortSignal;
}

/** Runs one job. Resolve (or return undefined) to complete it; throw to fail it with backoff. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler with no return statement completes its job.
export type JobHandler = (job: Job, ctx: JobContext) => Promise<JobReschedule | undefined | void>;

/**
 * A failure with instructions: `retryAfterMs` is a floor under the computed backoff (a
 * receiver's Retry-After), `permanent` fails the job for good at once.
 */
export class JobError extends PlatformError {
  override name = 'JobError';
  readonly retryAfterMs: number | undefined;
  readonly permanent: boolean;

  constructor(message: string, options: { retryAfterMs?: number; permanent?: boolean } = {}) {
    super(message);
    this.retryAfterMs = options.retryAfterMs;
    this.permanent = options.permanent ?? false;
  }
}
