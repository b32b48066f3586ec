import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

describe.each(testBackends())('webhook subscriptions API on %s', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (payload: object, key = t.testKey) => t.request({ method: 'POST', url: '/v1/webhooks', key, payload });
  const created = async (payload: object, key = t.testKey) => {
    const res = await create(payload, key);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const errorPaths = (body: { errors?: Array<{ path: string }> }) => (body.errors ?? []).map((e) => e.path);

  it('creates a subscription with its whole secret once, then shows it masked', async () => {
    const body = await created({
      url: 'https://hooks.example.com/cs',
      event_types: ['call.ended'],
      description: 'CRM',
    });
    expect(body).toMatchObject({
      object: 'webhook',
      livemode: false,
      url: 'https://hooks.example.com/cs',
      event_types: ['call.ended'],
      description: 'CRM',
      enabled: true,
      disabled_reason: null,
      previous_secret_expires_at: null,
    });
    expect(body.id).toMatch(/^whk_/);
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const got = await t.request({ method: 'GET', url: `/v1/webhooks/${body.id}`, key: t.testKey });
    expect(got.statusCode).toBe(200);
    expect(got.json().secret).toBe(`whsec_****${body.secret.slice(-4)}`);
    expect(got.json().url).toBe(body.url);
  });

  it('defaults event_types to ["*"] and refuses unknown, live-only and mixed types, naming the field', async () => {
    expect((await created({ url: 'https://hooks.example.com/all' })).event_types).toEqual(['*']);
    const unknown = await create({ url: 'https://hooks.example.com/x', event_types: ['call.exploded'] });
    expect(unknown.statusCode).toBe(400);
    expect(errorPaths(unknown.json())).toEqual(['event_types.0']);
    const live = await create({
      url: 'https://hooks.example.com/x',
      event_types: ['call.ended', 'transcript.partial'],
    });
    expect(live.statusCode).toBe(400);
    expect(live.json().errors[0]).toMatchObject({
      path: 'event_types.1',
      message: expect.stringContaining('live-only'),
    });
    const mixed = await create({ url: 'https://hooks.example.com/x', event_types: ['*', 'call.ended'] });
    expect(mixed.statusCode).toBe(400);
    const notHttp = await create({ url: 'ftp://hooks.example.com/x' });
    expect(notHttp.statusCode).toBe(400);
    expect(errorPaths(notHttp.json())).toEqual(['url']);
  });

  it('refuses private, loopback and metadata addresses with a 400 naming url (SSRF)', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'http://10.1.2.3/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://192.168.1.10/hook',
    ]) {
      const res = await create({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code).toBe('validation_error');
      expect(errorPaths(res.json())).toEqual(['url']);
    }
    const before = await t.platform.db.kysely.selectFrom('webhook_subscriptions').select('id').execute();
    const patchTarget = await created({ url: 'https://hooks.example.com/ok' });
    const patched = await t.request({
      method: 'PATCH',
      url: `/v1/webhooks/${patchTarget.id}`,
      key: t.testKey,
      payload: { url: 'http://127.0.0.1/x' },
    });
    expect(patched.statusCode).toBe(400);
    const after = await t.platform.db.kysely.selectFrom('webhook_subscriptions').select('id').execute();
    expect(after.length).toBe(before.length + 1);
  });

  it('updates, disables and deletes; a deleted subscription is 404', async () => {
    const w = await created({ url: 'https://hooks.example.com/u', event_types: ['call.ended'] });
    const patched = await t.request({
      method: 'PATCH',
      url: `/v1/webhooks/${w.id}`,
      key: t.testKey,
      payload: { event_types: ['call.ended', 'call.answered'], enabled: false, description: null },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      event_types: ['call.ended', 'call.answered'],
      enabled: false,
      description: null,
    });
    const unknownField = await t.request({
      method: 'PATCH',
      url: `/v1/webhooks/${w.id}`,
      key: t.testKey,
      payload: { secret: 'x' },
    });
    expect(unknownField.statusCode).toBe(400);
    const del = await t.request({ method: 'DELETE', url: `/v1/webhooks/${w.id}`, key: t.testKey });
    expect(del.json()).toEqual({ id: w.id, object: 'webhook', deleted: true });
    expect((await t.request({ method: 'GET', url: `/v1/webhooks/${w.id}`, key: t.testKey })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/v1/webhooks/${w.id}`, key: t.testKey })).statusCode).toBe(404);
  });

  it('rotates the secret: the new one shown whole, the old one signing until the grace period ends', async () => {
    const w = await created({ url: 'https://hooks.example.com/r' });
    const rotated = await t.request({ method: 'POST', url: `/v1/webhooks/${w.id}/rotate-secret`, key: t.testKey });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const body = rotated.json();
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.secret).not.toBe(w.secret);
    const expires = new Date(body.previous_secret_expires_at).getTime();
    expect(Math.abs(expires - Date.now() - 24 * 3600 * 1000)).toBeLessThan(60_000);
    const row = await t.platform.db.kysely
      .selectFrom('webhook_subscriptions')
      .selectAll()
      .where('id', '=', w.id)
      .executeTakeFirstOrThrow();
    expect(row.previous_secret).toBe(w.secret);
    const now = await t.request({
      method: 'POST',
      url: `/v1/webhooks/${w.id}/rotate-secret`,
      key: t.testKey,
      payload: { grace_period_sec: 0 },
    });
    expect(now.json().previous_secret_expires_at).toBeNull();
    const bad = await t.request({
      method: 'POST',
      url: `/v1/webhooks/${w.id}/rotate-secret`,
      key: t.testKey,
      payload: { grace_period_sec: -1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(errorPaths(bad.json())).toEqual(['grace_period_sec']);
  });

  it('keeps modes and tenants apart: a live subscription is 404 to a test key and to another tenant', async () => {
    const live = await created({ url: 'https://hooks.example.com/live' }, t.liveKey);
    expect(live.livemode).toBe(true);
    expect((await t.request({ method: 'GET', url: `/v1/webhooks/${live.id}`, key: t.testKey })).statusCode).toBe(404);
    const testList = await t.request({ method: 'GET', url: '/v1/webhooks?limit=100', key: t.testKey });
    expect(testList.json().data.map((w: { id: string }) => w.id)).not.toContain(live.id);
    const other = await t.createTenant();
    for (const [method, url] of [
      ['GET', `/v1/webhooks/${live.id}`],
      ['PATCH', `/v1/webhooks/${live.id}`],
      ['DELETE', `/v1/webhooks/${live.id}`],
      ['POST', `/v1/webhooks/${live.id}/rotate-secret`],
      ['POST', `/v1/webhooks/${live.id}/test`],
      ['GET', `/v1/webhooks/${live.id}/deliveries`],
    ] as const) {
      const res = await t.request({
        method,
        url,
        key: other.liveKey,
        ...(method === 'PATCH' ? { payload: { enabled: false } } : {}),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
  });

  it('lists newest first with the keyset cursor', async () => {
    const other = await t.createTenant('Lister');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await created({ url: `https://hooks.example.com/${i}` }, other.testKey)).id);
    const first = await t.request({ method: 'GET', url: '/v1/webhooks?limit=3', key: other.testKey });
    expect(first.json().data.map((w: { id: string }) => w.id)).toEqual(ids.slice(2).reverse());
    expect(first.json().has_more).toBe(true);
    const second = await t.request({
      method: 'GET',
      url: `/v1/webhooks?limit=3&cursor=${first.json().next_cursor}`,
      key: other.testKey,
    });
    expect(second.json().data.map((w: { id: string }) => w.id)).toEqual(ids.slice(0, 2).reverse());
    expect(second.json().has_more).toBe(false);
  });
});
