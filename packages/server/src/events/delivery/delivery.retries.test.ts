import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../jobs/testing/eventually.js';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';
import { startReceiver } from '../testing/receiver.js';

const FAST = {
  CALLINGSCOUT_ALLOW_PRIVATE_URLS: 'true',
  CALLINGSCOUT_WEBHOOK_RETRY_SCHEDULE: '0.05',
  // Generous enough that a loaded test machine does not time out a receiver that answers at once.
  CALLINGSCOUT_WEBHOOK_TIMEOUT_MS: '1500',
  CALLINGSCOUT_JOB_POLL_MS: '20',
};

describe.each(testBackends())('webhook delivery and retries on %s', (backend) => {
  let t: TestPlatform;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver(({ path, count }) => {
      if (path === '/ok') return { status: 204 };
      if (path === '/flaky') return count <= 2 ? { status: 500, body: 'database down '.repeat(200) } : { status: 200 };
      if (path === '/busy') return count === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 };
      if (path === '/slow') return count === 1 ? { status: 200, delayMs: 3000 } : { status: 200 };
      if (path === '/redirect') return { status: 302, headers: { location: '/redirected' } };
      if (path === '/gone') return { status: 410 };
      return { status: 500 };
    });
    t = await startTestPlatform(backend, FAST);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const subscribe = async (path: string, key = t.testKey) => {
    const res = await t.request({ method: 'POST', url: '/v1/webhooks', key, payload: { url: receiver.url + path } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; secret: string };
  };
  const fireTest = async (id: string) => {
    const res = await t.request({ method: 'POST', url: `/v1/webhooks/${id}/test`, key: t.testKey });
    expect(res.statusCode, res.body).toBe(202);
    return res.json() as { event_id: string; delivery_id: string };
  };
  const deliveries = async (id: string) =>
    (await t.request({ method: 'GET', url: `/v1/webhooks/${id}/deliveries`, key: t.testKey })).json().data;
  const settled = (id: string, status: string) =>
    eventually(async () => {
      const [d] = await deliveries(id);
      return d?.status === status ? d : undefined;
    });

  it('signs with Standard Webhooks headers that the standardwebhooks package verifies, before and after a rotation', async () => {
    const w = await subscribe('/ok');
    const fired = await fireTest(w.id);
    await settled(w.id, 'succeeded');
    const [first] = receiver.forPath('/ok');
    expect(first?.headers['webhook-id']).toBe(fired.event_id);
    expect(first?.headers['content-type']).toBe('application/json');
    const payload = new Webhook(w.secret).verify(first!.body, first!.headers as Record<string, string>);
    expect(payload).toMatchObject({ id: fired.event_id, object: 'event', type: 'webhook.test', livemode: false });
    expect(Math.abs(Number(first!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);

    const rotated = (
      await t.request({ method: 'POST', url: `/v1/webhooks/${w.id}/rotate-secret`, key: t.testKey })
    ).json();
    const again = await fireTest(w.id);
    const second = await eventually(async () =>
      receiver.forPath('/ok').find((r) => r.headers['webhook-id'] === again.event_id),
    );
    const headers = second.headers as Record<string, string>;
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    // Both the new secret and, during the grace period, the old one verify.
    expect(new Webhook(rotated.secret).verify(second.body, headers)).toMatchObject({ type: 'webhook.test' });
    expect(new Webhook(w.secret).verify(second.body, headers)).toMatchObject({ type: 'webhook.test' });
  });

  it('retries a failing receiver with the same webhook-id until it recovers, recording every attempt', async () => {
    const w = await subscribe('/flaky');
    const fired = await fireTest(w.id);
    const d = await settled(w.id, 'succeeded');
    expect(d.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500, 200]);
    expect(d.attempts[0].error).toBe('receiver answered 500');
    expect(d.attempts[0].response_excerpt.length).toBe(1024);
    expect(d.attempts[0].latency_ms).toBeGreaterThanOrEqual(0);
    expect(new Set(receiver.forPath('/flaky').map((r) => r.headers['webhook-id']))).toEqual(new Set([fired.event_id]));
  });

  it("waits at least the receiver's Retry-After before the next attempt", async () => {
    const w = await subscribe('/busy');
    await fireTest(w.id);
    await settled(w.id, 'succeeded');
    const [a, b] = receiver.forPath('/busy');
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(950);
  });

  it('counts no answer within the timeout as a failed attempt, then succeeds on the retry', async () => {
    const w = await subscribe('/slow');
    await fireTest(w.id);
    const d = await settled(w.id, 'succeeded');
    expect(d.attempts[0]).toMatchObject({ status_code: null, error: 'no answer within 1500 ms' });
    expect(d.attempts[0].latency_ms).toBeGreaterThanOrEqual(1490);
    expect(d.attempts.at(-1).status_code).toBe(200);
  });

  it('treats a redirect as a failure and never follows it', async () => {
    const w = await subscribe('/redirect');
    await fireTest(w.id);
    const d = await eventually(async () => {
      const [x] = await deliveries(w.id);
      return x?.attempts.length >= 2 ? x : undefined;
    });
    expect(d.attempts[0]).toMatchObject({ status_code: 302, error: 'redirect (302) to /redirected not followed' });
    expect(d.status).toBe('pending');
    expect(d.next_attempt_at).toMatch(/^\d{4}-/);
    expect(receiver.forPath('/redirected')).toEqual([]);
    await t.request({ method: 'DELETE', url: `/v1/webhooks/${w.id}`, key: t.testKey });
  });

  it('disables the subscription when the receiver answers 410, and stops trying', async () => {
    const w = await subscribe('/gone');
    await fireTest(w.id);
    const d = await settled(w.id, 'failed');
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0].status_code).toBe(410);
    const sub = (await t.request({ method: 'GET', url: `/v1/webhooks/${w.id}`, key: t.testKey })).json();
    expect(sub).toMatchObject({ enabled: false, disabled_reason: 'receiver_gone' });
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.forPath('/gone')).toHaveLength(1);
  });

  it('marks a delivery failed once the schedule is spent, and a replay delivers it again', async () => {
    const w = await subscribe('/down');
    const fired = await fireTest(w.id);
    const d = await eventually(async () => {
      const [x] = await deliveries(w.id);
      return x?.status === 'failed' ? x : undefined;
    }, 15_000);
    expect(d.attempts).toHaveLength(10);
    expect(d.next_attempt_at).toBeNull();
    const patched = await t.request({
      method: 'PATCH',
      url: `/v1/webhooks/${w.id}`,
      key: t.testKey,
      payload: { url: `${receiver.url}/ok` },
    });
    expect(patched.statusCode).toBe(200);
    const replay = await t.request({
      method: 'POST',
      url: `/v1/events/${fired.event_id}/replay`,
      key: t.testKey,
      payload: { webhook_id: w.id },
    });
    expect(replay.statusCode, replay.body).toBe(202);
    expect(replay.json().deliveries).toEqual([{ id: expect.stringMatching(/^dlv_/), webhook_id: w.id }]);
    await eventually(async () => receiver.forPath('/ok').some((r) => r.headers['webhook-id'] === fired.event_id));
  });
});
