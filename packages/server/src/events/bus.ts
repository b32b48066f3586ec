import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/connection.js';
import { newId } from '../ids.js';
import { LiveRing } from './live-ring.js';
import { type BusEvent, type EventInput, eventJson, type LiveOnlyEventType } from './types.js';

/** Channels: stored events (the insert trigger, payload = id) and live-only events (payload = origin + JSON). */
export const EVENTS_CHANNEL = 'cs_events';
export const LIVE_CHANNEL = 'cs_live';
/** NOTIFY refuses payloads over 8000 bytes; a live event bigger than this stays in this process. */
const NOTIFY_MAX_BYTES = 7900;

/** What a stream wants: always one tenant and mode, optionally narrowed. */
export interface StreamFilter {
  tenantId: string;
  livemode: boolean;
  callId?: string | undefined;
  campaignId?: string | undefined;
  batchId?: string | undefined;
  /** Only these types; undefined means all. */
  types?: ReadonlySet<string> | undefined;
}

export function matchesFilter(f: StreamFilter, e: BusEvent): boolean {
  return (
    e.tenantId === f.tenantId &&
    e.livemode === f.livemode &&
    (f.callId === undefined || e.callId === f.callId) &&
    (f.campaignId === undefined || e.campaignId === f.campaignId) &&
    (f.batchId === undefined || e.batchId === f.batchId) &&
    (f.types === undefined || f.types.has(e.type))
  );
}

export interface EventBusOptions {
  db: Database;
  logger: Logger;
  /** With a Redis URL, live-only events travel by Redis pub/sub instead of NOTIFY. */
  redisUrl?: string | undefined;
}

interface Subscriber {
  filter: StreamFilter;
  listener: (event: BusEvent) => void;
}

/**
 * Fans events out to the live streams of this process.
 *
 * Stored events (emitEvent) are announced by the events insert trigger, at commit, to every
 * process LISTENing on `cs_events`, this one included; the payload is the id and the row is
 * fetched (one query for all ids that arrived together, and none while this process has no
 * stream). Live-only events (publishLive) are handed to local streams at once and sent to the
 * other processes with the event itself (there is no row): over Redis when configured, else
 * NOTIFY. Each process keeps recent live-only events in a ring so a stream that reconnects
 * (Last-Event-ID) gets the ones it missed.
 */
export class EventBus {
  readonly origin = randomBytes(6).toString('hex');
  private readonly subscribers = new Set<Subscriber>();
  private readonly ring = new LiveRing();
  private pendingIds: string[] = [];
  private fetching = false;
  private unlisten: Array<() => Promise<void>> = [];
  private redisPub: Redis | undefined;
  private redisSub: Redis | undefined;

  constructor(private readonly options: EventBusOptions) {}

  async start(): Promise<void> {
    const { db, redisUrl, logger } = this.options;
    this.unlisten.push(await db.listen(EVENTS_CHANNEL, (id) => this.onStoredId(id)));
    if (redisUrl) {
      const opts = { lazyConnect: true, maxRetriesPerRequest: 1 };
      this.redisPub = new Redis(redisUrl, opts);
      this.redisSub = new Redis(redisUrl, opts);
      for (const r of [this.redisPub, this.redisSub])
        r.on('error', (err) => logger.warn({ err: err.message }, 'events: redis error'));
      await Promise.all([this.redisPub.connect(), this.redisSub.connect()]);
      await this.redisSub.subscribe(LIVE_CHANNEL);
      this.redisSub.on('message', (_channel: string, message: string) => this.onLiveMessage(message));
    } else {
      this.unlisten.push(await db.listen(LIVE_CHANNEL, (message) => this.onLiveMessage(message)));
    }
  }

  async stop(): Promise<void> {
    for (const u of this.unlisten) await u();
    this.unlisten = [];
    this.subscribers.clear();
    await this.redisSub?.quit().catch(() => {});
    await this.redisPub?.quit().catch(() => {});
  }

  /** Calls `listener` for every event matching `filter` from now on; returns the unsubscribe. */
  subscribe(filter: StreamFilter, listener: (event: BusEvent) => void): () => void {
    const sub = { filter, listener };
    this.subscribers.add(sub);
    return () => this.subscribers.delete(sub);
  }

  /** Streams open in this process. */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /**
   * Sends a live-only event (a partial transcript, a turn's latency, …) to the streams of every
   * process. Not stored, not delivered to webhooks. Returns the event as streamed.
   */
  async publishLive(input: EventInput<LiveOnlyEventType>): Promise<BusEvent> {
    const id = newId('evt');
    const event: BusEvent = {
      id,
      tenantId: input.tenantId,
      livemode: input.livemode,
      type: input.type,
      callId: input.callId ?? null,
      campaignId: input.campaignId ?? null,
      batchId: input.batchId ?? null,
      json: eventJson({
        id,
        type: input.type,
        createdAt: new Date().toISOString(),
        livemode: input.livemode,
        dataJson: JSON.stringify(input.data ?? {}),
      }),
    };
    this.ring.add(event);
    this.dispatch(event);
    const message = `${this.origin} ${JSON.stringify(event)}`;
    if (this.redisPub) {
      await this.redisPub.publish(LIVE_CHANNEL, message);
    } else if (Buffer.byteLength(message) <= NOTIFY_MAX_BYTES) {
      await sql`SELECT pg_notify(${LIVE_CHANNEL}, ${message})`.execute(this.options.db.kysely);
    } else {
      this.options.logger.warn(
        { type: input.type, id },
        'events: live event too large for NOTIFY; streamed in this process only',
      );
    }
    return event;
  }

  /** Live-only events kept in this process with ids after `afterId` that match (for resume). */
  recentLive(afterId: string, filter: StreamFilter): BusEvent[] {
    return this.ring.after(afterId).filter((e) => matchesFilter(filter, e));
  }

  private dispatch(event: BusEvent): void {
    for (const s of this.subscribers) {
      if (matchesFilter(s.filter, event)) s.listener(event);
    }
  }

  private onLiveMessage(message: string): void {
    const space = message.indexOf(' ');
    if (space < 0 || message.slice(0, space) === this.origin) return;
    try {
      const event = JSON.parse(message.slice(space + 1)) as BusEvent;
      this.ring.add(event);
      this.dispatch(event);
    } catch (err) {
      this.options.logger.warn({ err }, 'events: unreadable live event message');
    }
  }

  private onStoredId(id: string): void {
    if (this.subscribers.size === 0) return;
    this.pendingIds.push(id);
    if (!this.fetching) {
      this.fetching = true;
      setImmediate(() => {
        this.fetchPending().catch((err: unknown) =>
          this.options.logger.warn({ err }, 'events: fetch for streams failed'),
        );
      });
    }
  }

  /** Fetches every id announced since the last fetch in one query, and dispatches in id order. */
  private async fetchPending(): Promise<void> {
    try {
      while (this.pendingIds.length) {
        const ids = this.pendingIds;
        this.pendingIds = [];
        const rows = await fetchBusEvents(this.options.db, ids);
        for (const e of rows) this.dispatch(e);
      }
    } finally {
      this.fetching = false;
    }
  }
}

/** Stored events by id, rendered for streams, in id order. */
export async function fetchBusEvents(db: Database, ids: string[]): Promise<BusEvent[]> {
  const rows = await db.kysely
    .selectFrom('events')
    .select([
      'id',
      'tenant_id',
      'livemode',
      'type',
      'call_id',
      'campaign_id',
      'batch_id',
      sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`.as('created_at'),
      sql<string>`data::text`.as('data'),
    ])
    .where('id', '=', sql<string>`ANY(${ids}::text[])`)
    .orderBy('id')
    .execute();
  return rows.map(toBusEvent);
}

export function toBusEvent(r: {
  id: string;
  tenant_id: string;
  livemode: boolean;
  type: string;
  call_id: string | null;
  campaign_id: string | null;
  batch_id: string | null;
  created_at: string;
  data: string;
}): BusEvent {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    livemode: r.livemode,
    type: r.type,
    callId: r.call_id,
    campaignId: r.campaign_id,
    batchId: r.batch_id,
    json: eventJson({ id: r.id, type: r.type, createdAt: r.created_at, livemode: r.livemode, dataJson: r.data }),
  };
}
