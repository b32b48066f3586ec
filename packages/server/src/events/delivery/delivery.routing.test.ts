import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../jobs/testing/eventually.js';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';
import { emitEvent } from '../emit.js';
import { startReceiver } from '../testing/receiver.js';
import { newWebhookSecret } from './signature.js';

describe.each(testBackends())('which receivers get which events, on %s', (backend) => {
  let t: TestPlatform;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver(({ path }) => (path === '/slow' ? { status: 200, delayMs: 1500 } : { status: 200 }));
    t = await startTestPlatform(backend, {
      CALLINGSCOUT_ALLOW_PRIVATE_URLS: 'true',
      CALLINGSCOUT_JOB_POLL_MS: '20',
      CALLINGSCOUT_WEBHOOK_MAX_IN_FLIGHT: '2',
    });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const subscribe = async (path: string, key: string, eventTypes?: string[]) => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/webhooks',
      key,
      payload: { url: receiver.url + path, ...(eventTypes ? { event_types: eventTypes } : {}) },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; secret: string };
  };
  const typesAt = (path: string) => receiver.forPath(path).map((r) => JSON.parse(r.body).type);

  it('delivers agent.updated to matching subscriptions of the same mode only; agent.created stays out of webhooks', async () => {
    await subscribe('/test-all', t.testKey);
    await subscribe('/live-all', t.liveKey);
    await subscribe('/test-calls', t.testKey, ['call.ended']);
    const agent = (
      await t.request({ method: 'POST', url: '/v1/agents', key: t.testKey, payload: { name: 'Ada' } })
    ).json();
    const patched = await t.request({
      method: 'PATCH',
      url: `/v1/agents/${agent.id}`,
      key: t.testKey,
      payload: { name: 'Ada 2' },
    });
    expect(patched.statusCode).toBe(200);
    await eventually(async () => typesAt('/test-all').length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(typesAt('/test-all')).toEqual(['agent.updated']);
    const body = JSON.parse(receiver.forPath('/test-all')[0]!.body);
    expect(body).toMatchObject({
      object: 'event',
      livemode: false,
      data: { id: agent.id, object: 'agent', name: 'Ada 2' },
    });
    // A test-mode change never reaches a live subscription, nor one that did not ask for its type.
    expect(typesAt('/live-all')).toEqual([]);
    expect(typesAt('/test-calls')).toEqual([]);
    // All three agent events are in the test mode's history.
    const history = (await t.request({ method: 'GET', url: '/v1/events?limit=100', key: t.testKey })).json().data;
    const mine = history
      .filter((e: { data: { id?: string } }) => e.data.id === agent.id)
      .map((e: { type: string }) => e.type);
    expect(mine).toEqual(['agent.updated', 'agent.created']);
    const liveHistory = (
      await t.request({ method: 'GET', url: '/v1/events?type=agent.updated', key: t.liveKey })
    ).json();
    expect(liveHistory.data).toEqual([]);
  });

  it("signs deliveries to an ad-hoc webhook_url with the tenant's default secret", async () => {
    const secret = (await t.request({ method: 'GET', url: '/v1/webhooks/default-secret', key: t.testKey })).json();
    expect(secret).toMatchObject({
      object: 'webhook_default_secret',
      livemode: false,
      secret: expect.stringMatching(/^whsec_/),
    });
    const emitted = await t.platform.db.kysely.transaction().execute((trx) =>
      emitEvent(trx, {
        tenantId: t.tenantId,
        livemode: false,
        type: 'call.ended',
        data: { id: 'call_1', object: 'call', status: 'completed' },
        callId: 'call_1',
        webhookUrls: [`${receiver.url}/agent-hook`, `${receiver.url}/agent-hook`, null],
      }),
    );
    // The URL given twice is one delivery; the test-mode subscriptions that want call.ended get theirs.
    const rows = await t.platform.db.kysely
      .selectFrom('webhook_deliveries')
      .select(['url', 'subscription_id'])
      .where('event_id', '=', emitted.id)
      .execute();
    expect(rows.filter((r) => r.url)).toEqual([{ url: `${receiver.url}/agent-hook`, subscription_id: null }]);
    expect(rows.filter((r) => r.subscription_id)).toHaveLength(2);
    const got = await eventually(async () => receiver.forPath('/agent-hook')[0]);
    expect(new Webhook(secret.secret).verify(got.body, got.headers as Record<string, string>)).toMatchObject({
      id: emitted.id,
      type: 'call.ended',
    });
    expect(() => new Webhook(newWebhookSecret()).verify(got.body, got.headers as Record<string, string>)).toThrow();
  });

  it('does not let a slow receiver delay the others', async () => {
    const slow = await subscribe('/slow', t.testKey, ['call.ended']);
    const fast = await subscribe('/fast', t.testKey, ['call.answered']);
    for (let i = 0; i < 6; i++)
      await t.request({ method: 'POST', url: `/v1/webhooks/${slow.id}/test`, key: t.testKey });
    const started = Date.now();
    await t.request({ method: 'POST', url: `/v1/webhooks/${fast.id}/test`, key: t.testKey });
    await eventually(async () => receiver.forPath('/fast').length === 1);
    expect(Date.now() - started).toBeLessThan(1000);
    // Capped at 2 in flight per receiver: the slow one has seen at most 2 of its 6 so far.
    expect(receiver.forPath('/slow').length).toBeLessThanOrEqual(2);
  });
});

describe.each(testBackends())('webhook SSRF guard at delivery time on %s', (backend) => {
  let t: TestPlatform;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver(() => ({ status: 200 }));
    t = await startTestPlatform(backend, { CALLINGSCOUT_JOB_POLL_MS: '20' });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('refuses to connect to a private address even when the subscription was stored with a public name', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/webhooks',
      key: t.testKey,
      payload: { url: 'https://hooks.example.com/x' },
    });
    const sub = res.json();
    // As if the name now resolved to loopback (DNS rebinding): the stored URL points at our receiver.
    await t.platform.db.kysely
      .updateTable('webhook_subscriptions')
      .set({ url: `${receiver.url}/internal` })
      .where('id', '=', sub.id)
      .execute();
    await t.request({ method: 'POST', url: `/v1/webhooks/${sub.id}/test`, key: t.testKey });
    const d = await eventually(async () => {
      const [x] = (await t.request({ method: 'GET', url: `/v1/webhooks/${sub.id}/deliveries`, key: t.testKey })).json()
        .data;
      return x?.attempts.length ? x : undefined;
    });
    expect(d.attempts[0].status_code).toBeNull();
    expect(d.attempts[0].error).toMatch(/^blocked: /);
    expect(receiver.received).toEqual([]);
  });
});
