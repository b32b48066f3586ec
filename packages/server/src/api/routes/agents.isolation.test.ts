import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

describe.each(testBackends())('agents: tenant isolation and modes on %s', (backend) => {
  let t: TestPlatform;
  let other: { tenantId: string; testKey: string; liveKey: string };

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    other = await t.createTenant('Tenant B');
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = async (payload: object, key: string) => {
    const res = await t.request({ method: 'POST', url: '/v1/agents', key, payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const listIds = async (key: string) => {
    const res = await t.request({ method: 'GET', url: '/v1/agents?limit=100', key });
    expect(res.statusCode).toBe(200);
    return res.json().data.map((a: { id: string }) => a.id) as string[];
  };
  const storedRow = (id: string) =>
    t.platform.db.kysely.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it("answers 404, never 403, to another tenant's GET, PATCH and DELETE, and changes nothing", async () => {
    const agent = await create({ name: 'A private', system_prompt: 'secret sauce' }, t.testKey);
    const before = await storedRow(agent.id);

    for (const key of [other.testKey, other.liveKey]) {
      const responses = [
        await t.request({ method: 'GET', url: `/v1/agents/${agent.id}`, key }),
        await t.request({ method: 'PATCH', url: `/v1/agents/${agent.id}`, key, payload: { name: 'Hijacked' } }),
        await t.request({ method: 'DELETE', url: `/v1/agents/${agent.id}`, key }),
      ];
      for (const res of responses) {
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe('not_found');
        expect(res.body).not.toContain('secret sauce');
      }
    }

    expect(await storedRow(agent.id)).toEqual(before);
    const res = await t.request({ method: 'GET', url: `/v1/agents/${agent.id}`, key: t.testKey });
    expect(res.json()).toEqual(agent);
  });

  it("answers another tenant's agent exactly as it answers an id that does not exist", async () => {
    const agent = await create({ name: 'A again' }, t.testKey);
    const missing = 'agt_01HZZZZZZZZZZZZZZZZZZZZZZZ';
    const theirs = await t.request({ method: 'GET', url: `/v1/agents/${agent.id}`, key: other.testKey });
    const nobody = await t.request({ method: 'GET', url: `/v1/agents/${missing}`, key: other.testKey });
    expect(theirs.statusCode).toBe(nobody.statusCode);
    expect(theirs.json().detail.replace(agent.id, '<id>')).toBe(nobody.json().detail.replace(missing, '<id>'));
    expect(theirs.json().code).toBe(nobody.json().code);
  });

  it("keeps each tenant's list to its own agents", async () => {
    const mine = await create({ name: 'A listed' }, t.testKey);
    const theirs = await create({ name: 'B listed' }, other.testKey);

    const aIds = await listIds(t.testKey);
    const bIds = await listIds(other.testKey);
    expect(aIds).toContain(mine.id);
    expect(aIds).not.toContain(theirs.id);
    expect(bIds).toContain(theirs.id);
    expect(bIds).not.toContain(mine.id);
    expect(await listIds(other.liveKey)).not.toContain(mine.id);

    // Filters do not open a way round the tenant either.
    const filtered = await t.request({ method: 'GET', url: '/v1/agents?is_active=true&limit=100', key: other.testKey });
    expect(filtered.json().data.map((a: { id: string }) => a.id)).not.toContain(mine.id);
  });

  it("does not let a cursor taken from one tenant's list reveal another tenant's agents", async () => {
    const a1 = await create({ name: 'A page 1' }, t.testKey);
    await create({ name: 'A page 2' }, t.testKey);
    const page = await t.request({ method: 'GET', url: '/v1/agents?limit=1', key: t.testKey });
    const cursor = page.json().next_cursor;
    expect(cursor).toEqual(expect.any(String));
    const res = await t.request({ method: 'GET', url: `/v1/agents?limit=100&cursor=${cursor}`, key: other.testKey });
    expect(res.statusCode).toBe(200);
    const ids = res.json().data.map((a: { id: string }) => a.id);
    expect(ids).not.toContain(a1.id);
    const aRows = await t.platform.db.kysely
      .selectFrom('agents')
      .select('id')
      .where('tenant_id', '=', t.tenantId)
      .execute();
    for (const row of aRows) expect(ids).not.toContain(row.id);
  });

  it('shares agents between the test and live modes of the same tenant (configuration objects)', async () => {
    const agent = await create({ name: 'Made in test mode' }, t.testKey);

    const live = await t.request({ method: 'GET', url: `/v1/agents/${agent.id}`, key: t.liveKey });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual(agent);
    expect(live.json()).not.toHaveProperty('livemode');
    expect(await listIds(t.liveKey)).toContain(agent.id);

    const patched = await t.request({
      method: 'PATCH',
      url: `/v1/agents/${agent.id}`,
      key: t.liveKey,
      payload: { name: 'Changed in live mode' },
    });
    expect(patched.statusCode).toBe(200);
    const seenInTest = await t.request({ method: 'GET', url: `/v1/agents/${agent.id}`, key: t.testKey });
    expect(seenInTest.json().name).toBe('Changed in live mode');

    const liveMade = await create({ name: 'Made in live mode' }, t.liveKey);
    expect(await listIds(t.testKey)).toContain(liveMade.id);

    const deleted = await t.request({ method: 'DELETE', url: `/v1/agents/${agent.id}`, key: t.liveKey });
    expect(deleted.statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: `/v1/agents/${agent.id}`, key: t.testKey })).statusCode).toBe(404);
  });
});
