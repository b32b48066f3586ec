import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';
import { createTestDatabase, type TestDatabase, testBackends } from '../testing/db.js';
import { CallControlBus, type CallControlCommand } from './control.js';

const logger = pino({ level: 'silent' });

/** NOTIFY always; Redis pub/sub too when a test Redis is given (TEST_REQUIRE_SERVICES makes it required). */
function cases(): Array<[string, string | undefined]> {
  const redis = process.env.TEST_REDIS_URL;
  if (!redis && process.env.TEST_REQUIRE_SERVICES === '1')
    throw new Error('TEST_REQUIRE_SERVICES=1 but TEST_REDIS_URL is not set');
  return testBackends().flatMap(
    (b): Array<[string, string | undefined]> => [
      [b, undefined],
      ...(redis && b === 'postgres' ? [[`${b} + redis`, redis] as [string, string]] : []),
    ],
  );
}

describe.each(cases())('live call control on %s', (name, redisUrl) => {
  const backend = name.startsWith('postgres') ? 'postgres' : 'pglite';
  let t: TestDatabase;
  let other: Database;
  let a: CallControlBus;
  let b: CallControlBus;
  beforeAll(async () => {
    t = await createTestDatabase(backend);
    // Two processes on PostgreSQL: a second pool of its own. PGlite has one process: the same database.
    other = t.url ? await openDatabase({ url: t.url, poolSize: 2 }) : t.db;
    a = new CallControlBus({ db: t.db, logger, redisUrl });
    b = new CallControlBus({ db: other, logger, redisUrl });
    await a.start();
    await b.start();
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    if (other && other !== t.db) await other.close();
    await t?.drop();
  });

  it('runs a command on the owning worker in-process, and answers not_in_progress for a call nobody owns', async () => {
    const got: CallControlCommand[] = [];
    const unregister = await a.register('call_local', async (c) => {
      got.push(c);
      return { spoken: true };
    });
    expect(await a.send('call_local', { type: 'say', text: 'hello' })).toEqual({ ok: true, result: { spoken: true } });
    expect(got).toEqual([{ type: 'say', text: 'hello' }]);
    await unregister();
    expect(await a.send('call_local', { type: 'hangup' })).toEqual({ ok: false, reason: 'not_in_progress' });
    expect(await b.send('call_nobody', { type: 'hangup' })).toEqual({ ok: false, reason: 'not_in_progress' });
  });

  it('reaches the worker that owns the call from another bus, with its reply or its failure', async () => {
    const got: CallControlCommand[] = [];
    const unregister = await a.register('call_remote', async (c) => {
      if (c.type === 'transfer') throw new Error('carrier refuses warm transfer');
      got.push(c);
      return undefined;
    });
    expect(await b.send('call_remote', { type: 'contextual-update', text: 'VIP customer' })).toEqual({ ok: true });
    expect(got).toEqual([{ type: 'contextual-update', text: 'VIP customer' }]);
    expect(await b.send('call_remote', { type: 'transfer', to: '+15550100', mode: 'warm' })).toEqual({
      ok: false,
      reason: 'failed',
      detail: 'carrier refuses warm transfer',
    });
    await unregister();
    expect(await b.send('call_remote', { type: 'hangup' })).toEqual({ ok: false, reason: 'not_in_progress' });
  });

  it('times out when the owner does not answer', async () => {
    const unregister = await a.register('call_slow', () => new Promise((r) => setTimeout(r, 2000)));
    const reply = await b.send('call_slow', { type: 'hangup' }, { timeoutMs: 100 });
    expect(reply).toMatchObject({ ok: false, reason: 'timeout' });
    await unregister();
  });
});
