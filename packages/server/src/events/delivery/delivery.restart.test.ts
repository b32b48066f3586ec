import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../config.js';
import { eventually } from '../../jobs/testing/eventually.js';
import { type Platform, startPlatform } from '../../platform.js';
import { createTestDatabase, type TestDatabase, testBackends } from '../../testing/db.js';
import { startReceiver } from '../testing/receiver.js';

const EVENTS = 20;

describe.each(testBackends())('webhook delivery across a restart on %s', (backend) => {
  let t: TestDatabase;
  let dataDir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let healthy = false;
  beforeAll(async () => {
    t = await createTestDatabase(backend, { migrated: false });
    dataDir = mkdtempSync(join(tmpdir(), 'cs-restart-'));
    receiver = await startReceiver(() => (healthy ? { status: 200 } : { status: 500 }));
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (): Promise<Platform> =>
    startPlatform({
      db: t.db,
      settings: parseSettings(
        {
          CALLINGSCOUT_DATA_DIR: dataDir,
          LOG_LEVEL: 'silent',
          CALLINGSCOUT_ALLOW_PRIVATE_URLS: 'true',
          CALLINGSCOUT_WEBHOOK_RETRY_SCHEDULE: '0.2',
          CALLINGSCOUT_JOB_POLL_MS: '20',
          CALLINGSCOUT_SHUTDOWN_GRACE_SEC: '1',
        },
        'test',
      ),
    });

  it('loses no delivery when the server stops in the middle of retries and starts again', async () => {
    const first = await start();
    const key = first.bootstrap?.keys.test.secret as string;
    const inject = (p: Platform, method: 'POST' | 'GET', url: string, payload?: object) =>
      p.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
    const sub = (await inject(first, 'POST', '/v1/webhooks', { url: `${receiver.url}/hook` })).json();
    const eventIds: string[] = [];
    for (let i = 0; i < EVENTS; i++)
      eventIds.push((await inject(first, 'POST', `/v1/webhooks/${sub.id}/test`)).json().event_id);
    // Every delivery has failed at least once and is waiting for its retry…
    await eventually(async () => new Set(receiver.received.map((r) => r.headers['webhook-id'])).size === EVENTS);
    await first.close();
    const pending = await t.db.kysely
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .execute();
    expect(pending.length).toBe(EVENTS);

    // …then a new server on the same database finishes the job once the receiver is back.
    healthy = true;
    const second = await start();
    try {
      await eventually(async () => {
        const left = await t.db.kysely
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('status', '!=', 'succeeded')
          .execute();
        return left.length === 0;
      }, 15_000);
      const delivered = new Set(receiver.received.map((r) => r.headers['webhook-id']));
      expect([...delivered].sort()).toEqual([...eventIds].sort());
      const list = (await inject(second, 'GET', `/v1/webhooks/${sub.id}/deliveries?limit=100`)).json();
      expect(list.data).toHaveLength(EVENTS);
      for (const d of list.data) {
        expect(d.status).toBe('succeeded');
        expect(d.attempts[0].status_code).toBe(500);
        expect(d.attempts.at(-1).status_code).toBe(200);
      }
    } finally {
      await second.close();
    }
  });
});
