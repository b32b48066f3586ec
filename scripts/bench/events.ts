/**
 * `npm run bench -- events`: the event system, in-process (platform, receiver and stream clients
 * share this process, so the figures include the clients' CPU), on PostgreSQL and PGlite:
 *
 *   deliveries_per_s            N call.ended events emitted (500 per transaction) to one `*`
 *                               subscription on a local receiver answering 204: N / time until
 *                               the receiver has them all (20,000; 2,000 with --quick)
 *   first_attempt_p50_ms/_p99   one event per transaction, ~50/s: from before emitEvent to
 *                               the receiver's first request with that webhook-id
 *   sse_fanout_500_ms           500 SSE clients: time for one stored event to reach all of
 *                               them (median of 20 events, each sent alone)
 *   sse_fanout_events_per_s     a burst of 200 events in one transaction: 200 / time until all
 *                               500 clients have all 200 (100,000 messages)
 *
 * Events are emitted with emitEvents, 500 per transaction (three statements each).
 *
 * Measured 2026-11-23 on the shared 2-core machine (load average 7–10 from other work), PostgreSQL,
 * full run: 1,048 and 755 deliveries/s (two runs; emission shares the machine, ~7–10 s of each);
 * first attempt p50 5.5–6.6 ms, p99 45–49 ms; one event to 500 SSE clients 14–38 ms (median); a
 * 200-event burst to 500 clients 138–252 events/s (69,000–126,000 messages/s). PGlite (--quick):
 * ~80 deliveries/s, p99 78 ms, fan-out 86 ms.
 *
 * Environment: BENCH_DATABASE_URL or TEST_DATABASE_URL (an admin URL: a fresh database is made
 * and dropped). Without one, PostgreSQL is not measured. BENCH_EVENTS_ENGINES=postgres (or
 * pglite) measures one engine only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSse } from '../../packages/server/src/api/streams/testing/sse-client.js';
import { parseSettings } from '../../packages/server/src/config.js';
import { openDatabase } from '../../packages/server/src/db/connection.js';
import { emitEvent, emitEvents } from '../../packages/server/src/events/emit.js';
import { type Platform, startPlatform } from '../../packages/server/src/platform.js';
import type { Figure, Suite, SuiteOptions, Target } from './report.js';
import { createDatabase } from './server-process.js';

const BENCH = 'events';
const TARGET_DELIVERIES: Target = { op: '>=', value: 1000 };
const TARGET_FIRST_ATTEMPT_P99: Target = { op: '<=', value: 250 };
const SUBSCRIBERS = 500;
type Engine = 'pglite' | 'postgres';

export const eventsSuite: Suite = {
  name: BENCH,
  description: 'webhook deliveries/s, event-to-first-attempt latency, SSE fan-out to 500 clients',
  run: (options: SuiteOptions) => runEventsBench(options),
};

async function runEventsBench(options: SuiteOptions): Promise<Figure[]> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
  if (!adminUrl) options.note('PostgreSQL was NOT measured: set BENCH_DATABASE_URL or TEST_DATABASE_URL.');
  const only = process.env.BENCH_EVENTS_ENGINES?.split(',') as Engine[] | undefined;
  const engines = (adminUrl ? (['postgres', 'pglite'] as Engine[]) : (['pglite'] as Engine[])).filter(
    (e) => !only || only.includes(e),
  );
  const figures: Figure[] = [];
  for (const engine of engines) figures.push(...(await benchEngine(engine, adminUrl, options)));
  return figures;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

async function benchEngine(engine: Engine, adminUrl: string | undefined, options: SuiteOptions): Promise<Figure[]> {
  const log = (line: string) => options.log(`[events/${engine}] ${line}`);
  const figure = (name: string, value: number, unit: string, target?: Target, note?: string): Figure => ({
    bench: BENCH,
    figure: name,
    engine,
    value,
    unit,
    target,
    note,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-bench-events-'));
  const created = engine === 'postgres' && adminUrl ? await createDatabase(adminUrl) : undefined;
  const db = await openDatabase({ url: created?.url, poolSize: 20 });
  // The receiver: records when each webhook-id first arrived.
  const firstSeen = new Map<string, number>();
  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (!firstSeen.has(id)) firstSeen.set(id, performance.now());
      received++;
      res.writeHead(204).end();
    });
  });
  receiver.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  let platform: Platform | undefined;
  try {
    platform = await startPlatform({
      db,
      settings: parseSettings(
        {
          CALLINGSCOUT_DATA_DIR: dataDir,
          LOG_LEVEL: 'silent',
          CALLINGSCOUT_ALLOW_PRIVATE_URLS: 'true',
          PORT: 0,
          ...(process.env.BENCH_MAX_IN_FLIGHT
            ? { CALLINGSCOUT_WEBHOOK_MAX_IN_FLIGHT: process.env.BENCH_MAX_IN_FLIGHT }
            : {}),
        },
        'bench',
      ),
    });
    const p = platform;
    const key = p.bootstrap?.keys.test.secret as string;
    const tenantId = p.bootstrap?.tenant.id as string;
    const sub = await p.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: { authorization: `Bearer ${key}` },
      payload: { url: receiverUrl, event_types: ['call.ended'] },
    });
    if (sub.statusCode !== 201) throw new Error(`subscription: ${sub.statusCode} ${sub.body}`);
    const emitMany = (n: number) =>
      db.kysely.transaction().execute(async (trx) => {
        const emitted = await emitEvents(
          trx,
          Array.from({ length: n }, (_, i) => ({
            tenantId,
            livemode: false,
            type: 'call.ended' as const,
            data: { id: `call_${i}`, object: 'call', status: 'completed', duration_sec: 42 },
          })),
        );
        return emitted.map((e) => e.id);
      });

    // 1. Deliveries per second.
    const total = options.quick ? 2000 : 20_000;
    log(`delivering ${total} events`);
    const start = performance.now();
    for (let done = 0; done < total; done += 500) await emitMany(Math.min(500, total - done));
    log(`emitted in ${((performance.now() - start) / 1000).toFixed(2)} s; ${received} delivered by then`);
    await waitFor(() => received >= total, 300_000, 'deliveries');
    const seconds = (performance.now() - start) / 1000;
    const figures = [
      figure(
        'deliveries_per_s',
        round(total / seconds),
        'deliveries/s',
        engine === 'postgres' ? TARGET_DELIVERIES : undefined,
      ),
    ];
    log(`${total} in ${seconds.toFixed(2)} s`);

    // 2. Event to first attempt.
    const samples = options.quick ? 50 : 300;
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const before = performance.now();
      const [id] = await emitMany(1);
      await waitFor(() => firstSeen.has(id as string), 30_000, 'first attempt');
      latencies.push((firstSeen.get(id as string) as number) - before);
      await sleep(20);
    }
    latencies.sort((a, b) => a - b);
    figures.push(
      figure('first_attempt_p50_ms', round(quantile(latencies, 0.5), 2), 'ms'),
      figure(
        'first_attempt_p99_ms',
        round(quantile(latencies, 0.99), 2),
        'ms',
        engine === 'postgres' ? TARGET_FIRST_ATTEMPT_P99 : undefined,
      ),
    );

    // 3. SSE fan-out.
    const base = await p.listen();
    const clients: Array<Awaited<ReturnType<typeof openSse>>> = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      clients.push(
        await openSse(`${base}/v1/events/stream?types=agent.updated,call.answered`, { authorization: `Bearer ${key}` }),
      );
    }
    log(`${clients.length} SSE clients connected`);
    const oneEvent = async () =>
      db.kysely.transaction().execute((trx) =>
        emitEvent(trx, {
          tenantId,
          livemode: false,
          type: 'call.answered',
          data: { id: 'call_fan', object: 'call' },
        }),
      );
    const fanTimes: number[] = [];
    for (let i = 0; i < (options.quick ? 5 : 20); i++) {
      const before = performance.now();
      const e = await oneEvent();
      await waitFor(() => clients.every((c) => c.messages.at(-1)?.id === e.id), 30_000, 'fan-out');
      fanTimes.push(performance.now() - before);
    }
    fanTimes.sort((a, b) => a - b);
    figures.push(
      figure('sse_fanout_500_ms', round(quantile(fanTimes, 0.5), 2), 'ms', undefined, 'median of single events'),
    );
    const burst = 200;
    const counts = clients.map((c) => c.messages.length);
    const burstStart = performance.now();
    await db.kysely.transaction().execute(async (trx) => {
      for (let i = 0; i < burst; i++) {
        await emitEvent(trx, {
          tenantId,
          livemode: false,
          type: 'call.answered',
          data: { id: `call_${i}`, object: 'call' },
        });
      }
    });
    await waitFor(() => clients.every((c, i) => c.messages.length >= (counts[i] as number) + burst), 120_000, 'burst');
    const burstSeconds = (performance.now() - burstStart) / 1000;
    figures.push(
      figure(
        'sse_fanout_events_per_s',
        round(burst / burstSeconds),
        'events/s',
        undefined,
        `${SUBSCRIBERS} clients each`,
      ),
    );
    for (const c of clients) c.close();
    return figures;
  } finally {
    await platform?.close();
    await new Promise<void>((r) => receiver.close(() => r()));
    receiver.closeAllConnections();
    await db.close();
    await created?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
