import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitEvent } from '../../events/emit.js';
import { pruneEvents } from '../../events/prune.js';
import { eventually } from '../../jobs/testing/eventually.js';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

describe.each(testBackends())('event history, replay and retention on %s', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const emit = (
    type: 'call.ended' | 'call.answered',
    extra: { callId?: string; campaignId?: string; livemode?: boolean } = {},
  ) =>
    t.platform.db.kysely.transaction().execute((trx) =>
      emitEvent(trx, {
        tenantId: t.tenantId,
        livemode: extra.livemode ?? false,
        type,
        data: { id: extra.callId ?? 'call_x', object: 'call', status: 'completed' },
        callId: extra.callId,
        campaignId: extra.campaignId,
      }),
    );
  const list = async (query: string, key = t.testKey) => {
    const res = await t.request({ method: 'GET', url: `/v1/events${query}`, key });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('lists events newest first, filtered by type, call and campaign, and gets one by id', async () => {
    const a = await emit('call.answered', { callId: 'call_1', campaignId: 'cmp_1' });
    const b = await emit('call.ended', { callId: 'call_1', campaignId: 'cmp_1' });
    const c = await emit('call.ended', { callId: 'call_2' });
    expect((await list('?limit=3')).data.map((e: { id: string }) => e.id)).toEqual([c.id, b.id, a.id]);
    expect((await list('?type=call.ended&limit=2')).data.map((e: { id: string }) => e.id)).toEqual([c.id, b.id]);
    expect((await list('?call_id=call_1')).data.map((e: { id: string }) => e.id)).toEqual([b.id, a.id]);
    expect((await list('?campaign_id=cmp_1&type=call.answered')).data.map((e: { id: string }) => e.id)).toEqual([a.id]);
    const page = await list('?call_id=call_1&limit=1');
    expect(page.has_more).toBe(true);
    expect((await list(`?call_id=call_1&limit=1&cursor=${page.next_cursor}`)).data[0].id).toBe(a.id);
    const one = await t.request({ method: 'GET', url: `/v1/events/${b.id}`, key: t.testKey });
    expect(one.json()).toEqual({
      id: b.id,
      object: 'event',
      type: 'call.ended',
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      livemode: false,
      data: { id: 'call_1', object: 'call', status: 'completed' },
    });
  });

  it('keeps modes and tenants apart: another mode or tenant gets 404', async () => {
    const live = await emit('call.ended', { livemode: true });
    expect((await t.request({ method: 'GET', url: `/v1/events/${live.id}`, key: t.testKey })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/v1/events/${live.id}`, key: t.liveKey })).statusCode).toBe(200);
    const other = await t.createTenant();
    expect((await t.request({ method: 'GET', url: `/v1/events/${live.id}`, key: other.liveKey })).statusCode).toBe(404);
    const replay = await t.request({
      method: 'POST',
      url: `/v1/events/${live.id}/replay`,
      key: other.liveKey,
      payload: {},
    });
    expect(replay.statusCode).toBe(404);
    expect((await list('', other.liveKey)).data).toEqual([]);
  });

  it('writes nothing when the transaction that emitted rolls back', async () => {
    const before = (await list('?limit=100')).data.length;
    await expect(
      t.platform.db.kysely.transaction().execute(async (trx) => {
        await emitEvent(trx, { tenantId: t.tenantId, livemode: false, type: 'call.ended', data: {} });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect((await list('?limit=100')).data.length).toBe(before);
  });

  it('replays to every matching subscription, or one by id; a disabled one is 409', async () => {
    const mk = async (payload: object) =>
      (await t.request({ method: 'POST', url: '/v1/webhooks', key: t.testKey, payload })).json().id as string;
    const ended = await mk({ url: 'https://hooks.example.com/a', event_types: ['call.ended'] });
    const star = await mk({ url: 'https://hooks.example.com/b' });
    const answered = await mk({ url: 'https://hooks.example.com/c', event_types: ['call.answered'] });
    const off = await mk({ url: 'https://hooks.example.com/d', enabled: false });
    const e = await emit('call.ended');
    const all = await t.request({ method: 'POST', url: `/v1/events/${e.id}/replay`, key: t.testKey, payload: {} });
    expect(all.statusCode, all.body).toBe(202);
    expect(
      all
        .json()
        .deliveries.map((d: { webhook_id: string }) => d.webhook_id)
        .sort(),
    ).toEqual([ended, star].sort());
    const one = await t.request({
      method: 'POST',
      url: `/v1/events/${e.id}/replay`,
      key: t.testKey,
      payload: { webhook_id: answered },
    });
    expect(one.json().deliveries.map((d: { webhook_id: string }) => d.webhook_id)).toEqual([answered]);
    const disabled = await t.request({
      method: 'POST',
      url: `/v1/events/${e.id}/replay`,
      key: t.testKey,
      payload: { webhook_id: off },
    });
    expect(disabled.statusCode).toBe(409);
    expect(disabled.json().code).toBe('webhook_disabled');
  });

  it('prunes events and deliveries past 30 days, and keeps the prune job scheduled', async () => {
    const old = await emit('call.ended');
    const recent = await emit('call.ended');
    await sql`UPDATE events SET created_at = now() - interval '31 days' WHERE id = ${old.id}`.execute(
      t.platform.db.kysely,
    );
    await sql`UPDATE webhook_deliveries SET created_at = now() - interval '31 days' WHERE event_id = ${old.id}`.execute(
      t.platform.db.kysely,
    );
    expect((await t.request({ method: 'GET', url: `/v1/events/${old.id}`, key: t.testKey })).statusCode).toBe(404);
    const pruned = await pruneEvents(t.platform.db.kysely);
    expect(pruned.events).toBeGreaterThanOrEqual(1);
    const left = await t.platform.db.kysely
      .selectFrom('events')
      .select('id')
      .where('id', 'in', [old.id, recent.id])
      .execute();
    expect(left.map((r) => r.id)).toEqual([recent.id]);
    const job = await eventually(() =>
      t.platform.db.kysely.selectFrom('jobs').selectAll().where('queue', '=', 'events.prune').executeTakeFirst(),
    );
    expect(job.key).toBe('prune');
    expect(job.failed_at).toBeNull();
  });
});
