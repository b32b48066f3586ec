import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../jobs/testing/eventually.js';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';
import { openSse } from './testing/sse-client.js';

describe.each(testBackends())('GET /v1/events/stream (SSE) on %s', (backend) => {
  let t: TestPlatform;
  let base: string;
  beforeAll(async () => {
    t = await startTestPlatform(backend, { CALLINGSCOUT_STREAM_HEARTBEAT_SEC: '0.1' });
    base = await t.platform.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await t?.close();
  });

  const stream = (query = '', headers: Record<string, string> = {}, key = t.testKey) =>
    openSse(`${base}/v1/events/stream${query}`, { authorization: `Bearer ${key}`, ...headers });
  const createAgent = async (name: string, key = t.testKey) => {
    const res = await t.request({ method: 'POST', url: '/v1/agents', key, payload: { name } });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  const typesOf = (s: Awaited<ReturnType<typeof stream>>) => s.messages.map((m) => JSON.parse(m.data).type);

  it('streams committed events with id: on each, in this mode only, with heartbeat comments', async () => {
    const s = await stream();
    const live = await stream('', {}, t.liveKey);
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toMatch(/^text\/event-stream/);
    const agentId = await createAgent('Streamed');
    await eventually(async () => s.messages.length === 1);
    const [m] = s.messages;
    const event = JSON.parse(m!.data);
    expect(m!.id).toBe(event.id);
    expect(event).toMatchObject({ object: 'event', type: 'agent.created', livemode: false, data: { id: agentId } });
    await eventually(async () => s.comments.includes('heartbeat'));
    expect(live.messages).toEqual([]);
    s.close();
    live.close();
  });

  it('filters by types and call_id, and hands live-only events to streams without storing them', async () => {
    const partials = await stream('?types=transcript.partial&call_id=call_A');
    const all = await stream();
    const bus = t.platform.events.bus;
    await bus.publishLive({
      tenantId: t.tenantId,
      livemode: false,
      type: 'transcript.partial',
      data: { text: 'hel' },
      callId: 'call_A',
    });
    await bus.publishLive({
      tenantId: t.tenantId,
      livemode: false,
      type: 'transcript.partial',
      data: { text: 'x' },
      callId: 'call_B',
    });
    await bus.publishLive({
      tenantId: t.tenantId,
      livemode: false,
      type: 'turn.latency',
      data: { ms: 420 },
      callId: 'call_A',
    });
    await createAgent('Not a partial');
    await eventually(async () => all.messages.length === 4);
    expect(typesOf(all)).toEqual(['transcript.partial', 'transcript.partial', 'turn.latency', 'agent.created']);
    expect(partials.messages.map((m) => JSON.parse(m.data).data)).toEqual([{ text: 'hel' }]);
    const history = (
      await t.request({ method: 'GET', url: '/v1/events?type=transcript.partial', key: t.testKey })
    ).json();
    expect(history.data).toEqual([]);
    partials.close();
    all.close();
  });

  it('resumes with Last-Event-ID after a dropped connection: no gap, no duplicate', async () => {
    const first = await stream('?types=agent.created');
    for (let i = 0; i < 3; i++) await createAgent(`before-${i}`);
    await eventually(async () => first.messages.length === 3);
    const lastSeen = first.ids().at(-1) as string;
    first.close();
    // Missed while disconnected: stored events and a live-only one.
    const missed: string[] = [];
    for (let i = 0; i < 3; i++) missed.push(await createAgent(`missed-${i}`));
    const second = await stream('?types=agent.created', { 'last-event-id': lastSeen });
    // And more while the resumed stream catches up.
    const after: string[] = [];
    for (let i = 0; i < 3; i++) after.push(await createAgent(`after-${i}`));
    await eventually(async () => second.messages.length >= 6);
    await new Promise((r) => setTimeout(r, 200));
    const agentIds = second.messages.map((m) => JSON.parse(m.data).data.id);
    expect(agentIds).toEqual([...missed, ...after]);
    expect(new Set(second.ids()).size).toBe(second.ids().length);
    expect(second.ids().every((id) => id > lastSeen)).toBe(true);
    second.close();
  });

  it('resumes live-only events from the recent window too', async () => {
    const bus = t.platform.events.bus;
    const first = await stream('?types=transcript.final');
    const one = await bus.publishLive({
      tenantId: t.tenantId,
      livemode: false,
      type: 'transcript.final',
      data: { n: 1 },
    });
    await eventually(async () => first.messages.length === 1);
    first.close();
    const two = await bus.publishLive({
      tenantId: t.tenantId,
      livemode: false,
      type: 'transcript.final',
      data: { n: 2 },
    });
    const second = await stream('?types=transcript.final', { 'last-event-id': one.id });
    await eventually(async () => second.messages.length === 1);
    expect(second.ids()).toEqual([two.id]);
    second.close();
  });

  it('authenticates with ?token= and refuses bad requests with our error format', async () => {
    const viaQuery = await openSse(`${base}/v1/events/stream?token=${t.testKey}`);
    expect(viaQuery.status).toBe(200);
    viaQuery.close();
    const none = await t.request({ method: 'GET', url: '/v1/events/stream' });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('missing_api_key');
    const badType = await t.request({ method: 'GET', url: '/v1/events/stream?types=call.exploded', key: t.testKey });
    expect(badType.statusCode).toBe(400);
    expect(badType.json().errors[0].path).toBe('types');
    const badResume = await t.request({
      method: 'GET',
      url: '/v1/events/stream',
      key: t.testKey,
      headers: { 'last-event-id': 'nope' },
    });
    expect(badResume.statusCode).toBe(400);
    expect(badResume.json().code).toBe('invalid_last_event_id');
  });
});

describe.each(testBackends())('SSE backpressure on %s', (backend) => {
  let t: TestPlatform;
  let base: string;
  beforeAll(async () => {
    t = await startTestPlatform(backend, { CALLINGSCOUT_STREAM_MAX_BUFFER_BYTES: String(64 * 1024) });
    base = await t.platform.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('disconnects a consumer that stops reading, with a final error event saying why', async () => {
    const slow = await openSse(`${base}/v1/events/stream`, { authorization: `Bearer ${t.testKey}` });
    const bus = t.platform.events.bus;
    const before = bus.subscriberCount;
    slow.pause();
    const text = 'x'.repeat(16_000);
    // Far more than loopback socket buffers hold (~10 MB with autotuning): the server's own buffer must pass 64 KB.
    for (let batch = 0; batch < 200 && bus.subscriberCount === before; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, () =>
          bus.publishLive({ tenantId: t.tenantId, livemode: false, type: 'transcript.partial', data: { text } }),
        ),
      );
    }
    expect(bus.subscriberCount).toBe(before - 1);
    slow.resume();
    await eventually(async () => slow.ended(), 10_000);
    const last = slow.messages.at(-1);
    expect(last?.event).toBe('error');
    expect(JSON.parse(last!.data)).toMatchObject({
      code: 'slow_consumer',
      detail: expect.stringContaining('Last-Event-ID'),
    });
  });
});
