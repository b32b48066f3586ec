import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';
import { eventually } from '../jobs/testing/eventually.js';
import { createTestDatabase, type TestDatabase, testBackends } from '../testing/db.js';
import { EventBus } from './bus.js';
import { emitEvent } from './emit.js';
import type { BusEvent } from './types.js';

const logger = pino({ level: 'silent' });

const transports = (): Array<[string, string | undefined]> => {
  const redis = process.env.TEST_REDIS_URL;
  if (!redis && process.env.TEST_REQUIRE_SERVICES === '1')
    throw new Error('TEST_REQUIRE_SERVICES=1 but TEST_REDIS_URL is not set');
  return redis
    ? [
        ['notify', undefined],
        ['redis', redis],
      ]
    : [['notify', undefined]];
};

// Two processes: two buses, each on its own connection pool to one PostgreSQL database.
describe.each(testBackends().filter((b) => b === 'postgres'))('event bus across processes on %s', (backend) => {
  let t: TestDatabase;
  let tenantId: string;
  const pools: Database[] = [];
  beforeAll(async () => {
    t = await createTestDatabase(backend);
    tenantId = 'ten_bus';
    await t.db.kysely
      .insertInto('tenants')
      .values({ id: tenantId, name: 'Bus', rate_limits: '{}', settings: '{}' })
      .execute();
  });
  afterAll(async () => {
    for (const p of pools) await p.close();
    await t?.drop();
  });

  describe.each(transports())('live events over %s', (_name, redisUrl) => {
    let a: EventBus;
    let b: EventBus;
    beforeAll(async () => {
      for (let i = 0; i < 2; i++) pools.push(await openDatabase({ url: t.url, poolSize: 2 }));
      a = new EventBus({ db: pools.at(-2) as Database, logger, redisUrl });
      b = new EventBus({ db: pools.at(-1) as Database, logger, redisUrl });
      await a.start();
      await b.start();
    });
    afterAll(async () => {
      await a?.stop();
      await b?.stop();
    });

    it('reaches the other process once, and stored events reach both only after commit', async () => {
      const atA: BusEvent[] = [];
      const atB: BusEvent[] = [];
      a.subscribe({ tenantId, livemode: false }, (e) => atA.push(e));
      b.subscribe({ tenantId, livemode: false }, (e) => atB.push(e));
      const live = await a.publishLive({
        tenantId,
        livemode: false,
        type: 'transcript.partial',
        data: { text: 'hi' },
        callId: 'call_1',
      });
      await eventually(async () => atB.length === 1);
      expect(atB[0]).toEqual(live);
      expect(atA).toEqual([live]);

      let committed = false;
      const stored = await t.db.kysely.transaction().execute(async (trx) => {
        const e = await emitEvent(trx, { tenantId, livemode: false, type: 'call.ended', data: { id: 'call_1' } });
        await new Promise((r) => setTimeout(r, 100));
        // Not announced before commit.
        expect(atA.length + atB.length).toBe(2);
        committed = true;
        return e;
      });
      expect(committed).toBe(true);
      await eventually(async () => atA.length === 2 && atB.length === 2);
      expect(atA[1]?.id).toBe(stored.id);
      expect(JSON.parse(atB[1]?.json as string)).toMatchObject({
        id: stored.id,
        type: 'call.ended',
        data: { id: 'call_1' },
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(atA).toHaveLength(2);
      expect(atB).toHaveLength(2);
    });
  });
});
