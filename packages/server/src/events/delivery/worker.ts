import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../db/schema.js';
import type { QueueDefinition } from '../../jobs/runner.js';
import { type Job, JobError } from '../../jobs/types.js';
import { eventJson } from '../types.js';
import type { WebhookSender } from './send.js';
import { signatureHeader } from './signature.js';
import { abandonDelivery, disableSubscriptionGone, loadDelivery, recordAttempt } from './store.js';

export interface DeliveryWorkerOptions {
  db: Kysely<DB>;
  sender: WebhookSender;
  logger: Logger;
  /** Jobs of the webhook queue running at once in this process. */
  concurrency: number;
  /** Attempts in flight to one receiver in this process; the rest wait their turn. */
  maxInFlightPerReceiver: number;
  /** Seconds between attempts (protocols.md); the last entry repeats. */
  retryScheduleSec: number[];
  /** Milliseconds since the epoch (webhook-timestamp). */
  now: () => number;
}

/** How long a delivery put back because its receiver is busy waits before trying again. */
const CAP_WAIT_MS = 250;
/**
 * Deliveries that may queue in memory for a busy receiver, per in-flight slot: they keep their
 * runner slot while they wait, so a fast receiver under load is fed without the ~250 ms round
 * trip through the queue (that round trip held one receiver to ~100 deliveries/s), while a slow
 * one holds at most cap × (1 + this) of the runner's slots and the rest go to other receivers.
 */
const WAITERS_PER_SLOT = 1;

/**
 * The job queue definition that sends one delivery per job. At-least-once: the attempt is
 * recorded before the job completes, so a crash in between sends it again with the same
 * `webhook-id` (the event id), which receivers dedupe on. A 2xx completes it; 410 disables the
 * subscription; anything else (3xx included: redirects are never followed) is retried on the
 * schedule with jitter, never sooner than the receiver's Retry-After; after the last attempt
 * the delivery is `failed` and stays replayable (POST /v1/events/{id}/replay).
 *
 * One slow receiver cannot hold up the others: at most `maxInFlightPerReceiver` of the queue's
 * slots go to one receiver, each attempt is bounded by the sender's timeout, and a delivery
 * finding its receiver at the cap is put back for a moment without using an attempt.
 */
export function deliveryQueue(options: DeliveryWorkerOptions): QueueDefinition {
  const receivers = new ReceiverSlots(options.maxInFlightPerReceiver, WAITERS_PER_SLOT);
  return {
    concurrency: options.concurrency,
    retry: { scheduleSec: options.retryScheduleSec, jitter: 0.1 },
    handler: async (job: Job, { signal }) => {
      const deliveryId = String(job.payload.delivery_id);
      const d = await loadDelivery(options.db, deliveryId);
      if (d?.status !== 'pending') return;
      if (d.subscription_id && (d.subscription_deleted || !d.subscription_enabled)) {
        await abandonDelivery(
          options.db,
          d.id,
          d.subscription_deleted ? 'subscription deleted' : 'subscription disabled',
        );
        return;
      }
      if (!d.target_url || d.secrets.length === 0) {
        await abandonDelivery(options.db, d.id, 'no receiver URL or signing secret');
        return;
      }
      const receiver = d.subscription_id ?? d.target_url;
      if (!(await receivers.acquire(receiver))) {
        return { rescheduleAt: new Date(Date.now() + receivers.overflowDelayMs(receiver)) };
      }
      let result: Awaited<ReturnType<WebhookSender['send']>>;
      try {
        const body = eventJson({
          id: d.event_id,
          type: d.event_type,
          createdAt: d.event_created_at,
          livemode: d.livemode,
          dataJson: d.event_data,
        });
        const timestamp = Math.floor(options.now() / 1000);
        result = await options.sender.send(
          d.target_url,
          {
            'content-type': 'application/json',
            'user-agent': 'CallingScout-Webhooks/1',
            'webhook-id': d.event_id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signatureHeader(d.secrets, d.event_id, timestamp, body),
          },
          body,
          signal,
        );
      } finally {
        receivers.release(receiver);
      }
      if (signal.aborted) throw new Error('stopping');

      const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
      const gone = result.statusCode === 410;
      const last = job.attempts >= job.maxAttempts;
      await recordAttempt(options.db, {
        deliveryId: d.id,
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        error: gone ? 'receiver answered 410 Gone: subscription disabled' : result.error,
        excerpt: result.excerpt,
        status: ok ? 'succeeded' : gone || last ? 'failed' : 'pending',
      });
      if (ok) return;
      if (gone) {
        if (d.subscription_id) await disableSubscriptionGone(options.db, d.subscription_id);
        options.logger.info({ delivery: d.id, subscription: d.subscription_id }, 'webhook receiver gone (410)');
        return;
      }
      throw new JobError(result.error ?? 'failed', { retryAfterMs: result.retryAfterMs });
    },
  };
}

interface ReceiverState {
  busy: number;
  waiting: Array<() => void>;
  /** Attempts finished since `since`: the receiver's drain rate. */
  done: number;
  since: number;
  /** Deliveries put back since it last had room; each comes back after those before it. */
  overflow: number;
}

/** The longest a delivery is put back for a busy receiver: it is looked at again at least this often. */
const MAX_OVERFLOW_DELAY_MS = 60_000;

/** In-flight attempts per receiver, with a short FIFO of deliveries waiting for a slot. */
class ReceiverSlots {
  private readonly state = new Map<string, ReceiverState>();

  constructor(
    private readonly cap: number,
    private readonly waitersPerSlot: number,
  ) {}

  /** Resolves true once a slot is taken, or false at once when too many already wait. */
  async acquire(receiver: string): Promise<boolean> {
    let s = this.state.get(receiver);
    if (!s) {
      s = { busy: 0, waiting: [], done: 0, since: Date.now(), overflow: 0 };
      this.state.set(receiver, s);
    }
    if (s.busy < this.cap) {
      s.busy++;
      return true;
    }
    if (s.waiting.length >= this.cap * this.waitersPerSlot) return false;
    const slot = s;
    await new Promise<void>((resolve) => slot.waiting.push(resolve));
    return true;
  }

  /** Hands the slot to the next waiter, or frees it. */
  release(receiver: string): void {
    const s = this.state.get(receiver);
    if (!s) return;
    s.done++;
    const next = s.waiting.shift();
    if (next) {
      next();
      return;
    }
    s.overflow = 0;
    s.busy--;
    if (s.busy <= 0) this.state.delete(receiver);
  }

  /**
   * How long to put back a delivery that found its receiver full: behind the ones put back
   * before it, at the rate the receiver drains. Spreading them out means each is claimed again
   * about when there is room for it, instead of every one coming back at once to be put back
   * again (that churn of claims and updates cost half the throughput to one busy receiver).
   */
  overflowDelayMs(receiver: string): number {
    const s = this.state.get(receiver);
    if (!s) return CAP_WAIT_MS;
    s.overflow++;
    // The drain rate is measured over at least 5 s, so one slow start does not push everything far out.
    const rate = Math.max(this.cap * 20, s.done / Math.max(5, (Date.now() - s.since) / 1000));
    return Math.min(MAX_OVERFLOW_DELAY_MS, CAP_WAIT_MS + (s.overflow / rate) * 1000) * (1 + Math.random() * 0.1);
  }
}
