import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

describe.each(testBackends())('Idempotency-Key on %s', (backend) => {
  let t: TestPlatform;
  const agentCount = async () =>
    Number(
      (
        await t.platform.db.kysely
          .selectFrom('agents')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await startTestPlatform(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (key: string, payload: unknown, apiKey = t.testKey) =>
    t.request({
      method: 'POST',
      url: '/v1/agents',
      key: apiKey,
      headers: { 'idempotency-key': key },
      payload: payload as object,
    });

  it('replays the stored response for a retry, without running the handler again', async () => {
    const before = await agentCount();
    const first = await post('retry-1', { name: 'Once' });
    const second = await post('retry-1', { name: 'Once' });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['x-idempotent-replay']).toBe('true');
    expect(first.headers['x-idempotent-replay']).toBeUndefined();
    expect(second.json()).toEqual(first.json());
    expect(await agentCount()).toBe(before + 1);
  });

  it('treats key order in the body as the same request', async () => {
    const a = await post('order-1', { name: 'Same', language: 'en-GB' });
    const b = await post('order-1', { language: 'en-GB', name: 'Same' });
    expect(b.headers['x-idempotent-replay']).toBe('true');
    expect(b.json().id).toBe(a.json().id);
  });

  it('answers 409 idempotency_key_reuse for the same key with another body', async () => {
    await post('reuse-1', { name: 'First' });
    const res = await post('reuse-1', { name: 'Second' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('idempotency_key_reuse');
  });

  it('runs two identical requests in flight at once exactly once', async () => {
    const before = await agentCount();
    const results = await Promise.all(Array.from({ length: 6 }, () => post('race-1', { name: 'Racer' })));
    const ids = new Set(results.map((r) => r.json().id));
    expect(results.map((r) => r.statusCode)).toEqual(Array(6).fill(201));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.headers['x-idempotent-replay'] === 'true')).toHaveLength(5);
    expect(await agentCount()).toBe(before + 1);
  });

  it('scopes keys by tenant and by mode', async () => {
    const other = await t.createTenant();
    const mine = await post('shared-key', { name: 'Mine' });
    const theirs = await post('shared-key', { name: 'Mine' }, other.testKey);
    const live = await post('shared-key', { name: 'Mine' }, t.liveKey);
    expect(theirs.statusCode).toBe(201);
    expect(live.statusCode).toBe(201);
    expect(new Set([mine.json().id, theirs.json().id, live.json().id]).size).toBe(3);
  });

  it('stores 4xx answers from the handler and stores nothing for a request that failed validation', async () => {
    const invalid = await post('invalid-1', { name: '' });
    expect(invalid.statusCode).toBe(400);
    const fixed = await post('invalid-1', { name: 'Fixed' });
    expect(fixed.statusCode).toBe(201);

    const missing = await t.request({
      method: 'PATCH',
      url: '/v1/agents/agt_01JD0000000000000000000000',
      key: t.testKey,
      headers: { 'idempotency-key': 'patch-404' },
      payload: { name: 'x' },
    });
    expect(missing.statusCode).toBe(404);
    const again = await t.request({
      method: 'PATCH',
      url: '/v1/agents/agt_01JD0000000000000000000000',
      key: t.testKey,
      headers: { 'idempotency-key': 'patch-404' },
      payload: { name: 'x' },
    });
    expect(again.statusCode).toBe(404);
    expect(again.headers['x-idempotent-replay']).toBe('true');
  });

  it('survives a restart: the record lives in the database', async () => {
    const first = await post('durable-1', { name: 'Durable' });
    const row = await t.platform.db.kysely
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('key', '=', 'durable-1')
      .executeTakeFirstOrThrow();
    expect(row.response_status).toBe(201);
    expect(JSON.parse(row.response_body ?? '{}').id).toBe(first.json().id);
  });

  it('rejects a malformed key with 400', async () => {
    const res = await post('x'.repeat(256), { name: 'Long key' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid_idempotency_key');
  });

  it('lets a retry take over a record whose owner died more than 5 minutes ago', async () => {
    const first = await post('orphan-1', { name: 'Orphan' });
    await t.platform.db.kysely
      .updateTable('idempotency_keys')
      .set({ response_status: null, response_body: null, locked_at: new Date(Date.now() - 6 * 60_000) })
      .where('key', '=', 'orphan-1')
      .execute();
    const retry = await post('orphan-1', { name: 'Orphan' });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['x-idempotent-replay']).toBeUndefined();
    expect(retry.json().id).not.toBe(first.json().id);
    const replay = await post('orphan-1', { name: 'Orphan' });
    expect(replay.json().id).toBe(retry.json().id);
  });

  it('forgets records after 24 hours: pruned, and an old key runs as new', async () => {
    const first = await post('old-1', { name: 'Old' });
    await t.platform.db.kysely
      .updateTable('idempotency_keys')
      .set({ created_at: new Date(Date.now() - 25 * 3600_000) })
      .where('key', '=', 'old-1')
      .execute();
    const again = await post('old-1', { name: 'Old' });
    expect(again.statusCode).toBe(201);
    expect(again.json().id).not.toBe(first.json().id);
    await t.platform.db.kysely
      .updateTable('idempotency_keys')
      .set({ created_at: new Date(Date.now() - 25 * 3600_000) })
      .where('key', '=', 'old-1')
      .execute();
    const { idempotencyMiddleware } = await import('./idempotency.js');
    const pruned = await idempotencyMiddleware({ ctx: { db: t.platform.db, now: Date.now } as never }).prune();
    expect(pruned).toBeGreaterThanOrEqual(1);
    const left = await t.platform.db.kysely
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', '=', 'old-1')
      .execute();
    expect(left).toEqual([]);
  });

  it('answers 409 idempotency_in_progress when the first request never finishes', async () => {
    const first = await post('stuck-1', { name: 'Stuck' });
    expect(first.statusCode).toBe(201);
    // Make the record look like its request is still running (as if its process hung).
    await t.platform.db.kysely
      .updateTable('idempotency_keys')
      .set({ response_status: null, response_body: null, locked_at: new Date() })
      .where('key', '=', 'stuck-1')
      .execute();
    const started = Date.now();
    const res = await post('stuck-1', { name: 'Stuck' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('idempotency_in_progress');
    expect(res.headers['retry-after']).toBe('1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
  }, 20_000);
});
