import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from '../../jobs/testing/eventually.js';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

/** Opens a WebSocket and collects its messages; rejects with the HTTP status when the upgrade is refused. */
function connect(url: string, headers: Record<string, string> = {}) {
  const messages: Array<Record<string, unknown>> = [];
  const ws = new WebSocket(url, { headers });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
  return { ws, messages, opened, closed };
}

describe.each(testBackends())('GET /v1/ws on %s', (backend) => {
  let t: TestPlatform;
  let base: string;
  beforeAll(async () => {
    t = await startTestPlatform(backend, { CALLINGSCOUT_STREAM_MAX_BUFFER_BYTES: String(64 * 1024) });
    base = (await t.platform.app.listen({ host: '127.0.0.1', port: 0 })).replace('http://', 'ws://');
  });
  afterAll(async () => {
    await t?.close();
  });

  const publish = (type: 'transcript.partial' | 'transcript.final', callId: string, data: object, livemode = false) =>
    t.platform.events.bus.publishLive({ tenantId: t.tenantId, livemode, type, data, callId });

  it('accepts the key in the Authorization header or ?token=, and refuses a missing or wrong one', async () => {
    const header = connect(`${base}/v1/ws`, { authorization: `Bearer ${t.testKey}` });
    await header.opened;
    const query = connect(`${base}/v1/ws?token=${t.testKey}`);
    await query.opened;
    await expect(connect(`${base}/v1/ws`).opened).rejects.toThrow('HTTP 401');
    await expect(connect(`${base}/v1/ws?token=sk_test_nope`).opened).rejects.toThrow('HTTP 401');
    header.ws.close();
    query.ws.close();
  });

  it('sends the same events as SSE, filtered by call and type, in the key’s mode only', async () => {
    const callA = connect(`${base}/v1/ws?call_id=call_A&types=transcript.final`, {
      authorization: `Bearer ${t.testKey}`,
    });
    const all = connect(`${base}/v1/ws`, { authorization: `Bearer ${t.testKey}` });
    const live = connect(`${base}/v1/ws`, { authorization: `Bearer ${t.liveKey}` });
    await Promise.all([callA.opened, all.opened, live.opened]);
    await publish('transcript.partial', 'call_A', { text: 'hel' });
    await publish('transcript.final', 'call_B', { text: 'other call' });
    await publish('transcript.final', 'call_A', { text: 'hello' });
    const agent = await t.request({ method: 'POST', url: '/v1/agents', key: t.testKey, payload: { name: 'WS' } });
    await eventually(async () => all.messages.length === 4);
    expect(all.messages.map((m) => m.type)).toEqual([
      'transcript.partial',
      'transcript.final',
      'transcript.final',
      'agent.created',
    ]);
    expect(all.messages[3]).toMatchObject({ object: 'event', data: { id: agent.json().id } });
    expect(callA.messages).toEqual([expect.objectContaining({ type: 'transcript.final', data: { text: 'hello' } })]);
    expect(live.messages).toEqual([]);
    for (const c of [callA, all, live]) c.ws.close();
  });

  it('closes a client that stops reading with 1008 and the reason', async () => {
    const bus = t.platform.events.bus;
    // The clients of the tests above finish closing first, so the count below is this client's alone.
    await eventually(async () => bus.subscriberCount === 0);
    const slow = connect(`${base}/v1/ws`, { authorization: `Bearer ${t.testKey}` });
    await slow.opened;
    await eventually(async () => bus.subscriberCount === 1);
    const before = 1;
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const text = 'y'.repeat(16_000);
    for (let batch = 0; batch < 200 && bus.subscriberCount === before; batch++) {
      await Promise.all(Array.from({ length: 50 }, () => publish('transcript.partial', 'call_S', { text })));
    }
    expect(bus.subscriberCount).toBe(before - 1);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const { code, reason } = await slow.closed;
    expect(code).toBe(1008);
    expect(reason).toMatch(/^slow_consumer: /);
  });
});
