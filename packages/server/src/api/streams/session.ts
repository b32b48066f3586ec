import { sql } from 'kysely';
import type { Database } from '../../db/connection.js';
import { type EventBus, type StreamFilter, toBusEvent } from '../../events/bus.js';
import { RETENTION_DAYS } from '../../events/prune.js';
import type { BusEvent } from '../../events/types.js';

/** Where a session writes: an SSE response or a WebSocket. */
export interface StreamSink {
  /** Writes one event. */
  send(event: BusEvent): void;
  /** Bytes written but not yet taken by the client. */
  buffered(): number;
  /** Ends the stream because the client reads too slowly; `reason` says so to the client. */
  disconnectSlow(reason: string): void;
}

export interface StreamSessionOptions {
  bus: EventBus;
  db: Database;
  filter: StreamFilter;
  /** Resume after this event: the stored and recent live events after it come first. */
  lastEventId: string | undefined;
  /** Unsent bytes past which the client is disconnected as too slow. */
  maxBufferBytes: number;
  sink: StreamSink;
}

const HISTORY_PAGE = 500;

/**
 * One client's stream. It subscribes to the bus before reading history, queueing what arrives
 * meanwhile, so on resume nothing falls between the history read and the live feed (no gap),
 * and an event seen in both is sent once (no duplicate). Then it forwards live events until
 * closed. Memory per client is bounded: past `maxBufferBytes` unsent the client is cut off.
 */
export class StreamSession {
  private unsubscribe: (() => void) | undefined;
  private closed = false;
  private catchingUp: BusEvent[] | undefined = [];

  constructor(private readonly options: StreamSessionOptions) {}

  async start(): Promise<void> {
    const { bus, filter, lastEventId } = this.options;
    this.unsubscribe = bus.subscribe(filter, (e) => {
      if (this.catchingUp) this.catchingUp.push(e);
      else this.deliver(e);
    });
    const sent = new Set<string>();
    if (lastEventId) {
      let after = lastEventId;
      for (;;) {
        const page = await this.history(after);
        for (const e of page) {
          if (this.closed) return;
          sent.add(e.id);
          this.deliver(e);
        }
        if (page.length < HISTORY_PAGE) break;
        after = (page[page.length - 1] as BusEvent).id;
      }
      for (const e of bus.recentLive(lastEventId, filter)) {
        if (!sent.has(e.id)) {
          sent.add(e.id);
          this.deliver(e);
        }
      }
    }
    const queued = this.catchingUp ?? [];
    this.catchingUp = undefined;
    for (const e of queued) if (!sent.has(e.id)) this.deliver(e);
  }

  close(): void {
    this.closed = true;
    this.unsubscribe?.();
  }

  private deliver(e: BusEvent): void {
    if (this.closed) return;
    const { sink, maxBufferBytes } = this.options;
    sink.send(e);
    if (sink.buffered() > maxBufferBytes) {
      this.close();
      sink.disconnectSlow(
        `slow_consumer: more than ${maxBufferBytes} bytes unread; reconnect with Last-Event-ID ${e.id} to resume`,
      );
    }
  }

  /** Stored events after `afterId` that match the filter, oldest first. */
  private async history(afterId: string): Promise<BusEvent[]> {
    const f = this.options.filter;
    let q = this.options.db.kysely
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
      .where('tenant_id', '=', f.tenantId)
      .where('livemode', '=', f.livemode)
      .where('id', '>', afterId)
      .where('created_at', '>', sql<Date>`now() - ${RETENTION_DAYS}::int * interval '1 day'`);
    if (f.callId) q = q.where('call_id', '=', f.callId);
    if (f.campaignId) q = q.where('campaign_id', '=', f.campaignId);
    if (f.batchId) q = q.where('batch_id', '=', f.batchId);
    if (f.types) q = q.where('type', 'in', [...f.types]);
    const rows = await q.orderBy('id', 'asc').limit(HISTORY_PAGE).execute();
    return rows.map(toBusEvent);
  }
}
