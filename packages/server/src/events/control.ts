import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/connection.js';

/** Live control commands (api.md, "Live control"). */
export type CallControlCommand =
  | { type: 'hangup' }
  | { type: 'say'; text: string }
  | { type: 'contextual-update'; text: string }
  | { type: 'user-message'; text: string }
  | { type: 'transfer'; to: string; mode: 'cold' | 'warm'; summary?: string };

/** Runs a command on the live call it was registered for; its result goes back to the sender. */
export type CallControlHandler = (command: CallControlCommand) => Promise<unknown>;

/**
 * What `send` answers: `not_in_progress` (no process owns the call: the route's 409),
 * `timeout` (the owner did not answer in time: it may be overloaded or dead), `failed` (the
 * handler threw; `detail` says why).
 */
export type CallControlReply =
  | { ok: true; result?: unknown }
  | { ok: false; reason: 'not_in_progress' | 'timeout' | 'failed'; detail?: string };

export const CONTROL_CHANNEL = 'cs_control';

export interface CallControlBusOptions {
  db: Database;
  logger: Logger;
  /** With a Redis URL, commands travel by Redis pub/sub instead of NOTIFY. */
  redisUrl?: string | undefined;
}

type Message =
  | { kind: 'req'; reqId: string; to: string; from: string; callId: string; command: CallControlCommand }
  | { kind: 'rep'; reqId: string; to: string; reply: CallControlReply };

/**
 * Routes live-control commands to the process that owns the call. The owner registers a
 * handler; the registration is also a row in `call_control_owners`, so any process can tell
 * "not in progress" (no row: an immediate 409) from "owned elsewhere" (send the command there
 * and wait for its reply). Messages go over NOTIFY (or Redis) addressed to one process; a
 * command for a call this process owns never leaves it.
 */
export class CallControlBus {
  readonly origin = `ctl_${randomBytes(6).toString('hex')}`;
  private readonly handlers = new Map<string, CallControlHandler>();
  private readonly waiting = new Map<string, (reply: CallControlReply) => void>();
  private unlisten: (() => Promise<void>) | undefined;
  private redisPub: Redis | undefined;
  private redisSub: Redis | undefined;

  constructor(private readonly options: CallControlBusOptions) {}

  async start(): Promise<void> {
    const { redisUrl, db, logger } = this.options;
    if (redisUrl) {
      const opts = { lazyConnect: true, maxRetriesPerRequest: 1 };
      this.redisPub = new Redis(redisUrl, opts);
      this.redisSub = new Redis(redisUrl, opts);
      for (const r of [this.redisPub, this.redisSub])
        r.on('error', (err) => logger.warn({ err: err.message }, 'control: redis error'));
      await Promise.all([this.redisPub.connect(), this.redisSub.connect()]);
      await this.redisSub.subscribe(CONTROL_CHANNEL);
      this.redisSub.on('message', (_c: string, m: string) => this.onMessage(m));
    } else {
      this.unlisten = await db.listen(CONTROL_CHANNEL, (m) => this.onMessage(m));
    }
  }

  /** Forgets this process's calls (their owner rows too) and stops listening. */
  async stop(): Promise<void> {
    await this.unlisten?.();
    if (this.handlers.size) {
      await this.options.db.kysely
        .deleteFrom('call_control_owners')
        .where('owner', '=', this.origin)
        .execute()
        .catch(() => {});
    }
    this.handlers.clear();
    for (const resolve of this.waiting.values())
      resolve({ ok: false, reason: 'timeout', detail: 'control bus stopped' });
    await this.redisSub?.quit().catch(() => {});
    await this.redisPub?.quit().catch(() => {});
  }

  /** The owner of a live call registers its handler; call the returned function when the call ends. */
  async register(callId: string, handler: CallControlHandler): Promise<() => Promise<void>> {
    this.handlers.set(callId, handler);
    await sql`
      INSERT INTO call_control_owners (call_id, owner) VALUES (${callId}, ${this.origin})
      ON CONFLICT (call_id) DO UPDATE SET owner = EXCLUDED.owner, registered_at = now()`.execute(
      this.options.db.kysely,
    );
    return async () => {
      if (this.handlers.get(callId) !== handler) return;
      this.handlers.delete(callId);
      await this.options.db.kysely
        .deleteFrom('call_control_owners')
        .where('call_id', '=', callId)
        .where('owner', '=', this.origin)
        .execute();
    };
  }

  /** Sends a command to the call's owner, wherever it runs, and waits for its reply. */
  async send(
    callId: string,
    command: CallControlCommand,
    options: { timeoutMs?: number } = {},
  ): Promise<CallControlReply> {
    const local = this.handlers.get(callId);
    if (local) return runHandler(local, command);
    const owner = await this.options.db.kysely
      .selectFrom('call_control_owners')
      .select('owner')
      .where('call_id', '=', callId)
      .executeTakeFirst();
    if (!owner || owner.owner === this.origin) return { ok: false, reason: 'not_in_progress' };
    const reqId = randomBytes(8).toString('hex');
    const timeoutMs = options.timeoutMs ?? 5000;
    const reply = new Promise<CallControlReply>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(reqId);
        resolve({ ok: false, reason: 'timeout', detail: `the call's worker did not answer within ${timeoutMs} ms` });
      }, timeoutMs);
      this.waiting.set(reqId, (r) => {
        clearTimeout(timer);
        this.waiting.delete(reqId);
        resolve(r);
      });
    });
    await this.publish({ kind: 'req', reqId, to: owner.owner, from: this.origin, callId, command });
    return reply;
  }

  private async publish(message: Message): Promise<void> {
    const text = JSON.stringify(message);
    if (this.redisPub) await this.redisPub.publish(CONTROL_CHANNEL, text);
    else await sql`SELECT pg_notify(${CONTROL_CHANNEL}, ${text})`.execute(this.options.db.kysely);
  }

  private onMessage(text: string): void {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    if (message.to !== this.origin) return;
    if (message.kind === 'rep') {
      this.waiting.get(message.reqId)?.(message.reply);
      return;
    }
    const handler = this.handlers.get(message.callId);
    const done = handler
      ? runHandler(handler, message.command)
      : Promise.resolve<CallControlReply>({ ok: false, reason: 'not_in_progress' });
    done
      .then((reply) => this.publish({ kind: 'rep', reqId: message.reqId, to: message.from, reply }))
      .catch((err: unknown) => this.options.logger.warn({ err }, 'control: could not reply'));
  }
}

async function runHandler(handler: CallControlHandler, command: CallControlCommand): Promise<CallControlReply> {
  try {
    const result = await handler(command);
    return result === undefined ? { ok: true } : { ok: true, result };
  } catch (err) {
    return { ok: false, reason: 'failed', detail: err instanceof Error ? err.message : String(err) };
  }
}
