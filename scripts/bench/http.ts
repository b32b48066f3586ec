/**
 * `npm run bench -- http`: the HTTP foundation under load, on PGlite and on PostgreSQL.
 *
 * For each engine the server runs as a separate process (`node --import tsx
 * packages/server/src/main.ts`), exactly as `npm start` runs it, so that the load generator
 * (autocannon, in this process) and the server do not share an event loop. Measured:
 *
 *   health      GET /v1/health          no auth, no database (its probe is cached for 1 s): the bare route
 *   me          GET /v1/me              auth (one indexed lookup) + rate limit, no further I/O
 *   get_agents  GET /v1/agents?limit=20 authenticated list, 50 agents seeded
 *   post_agents POST /v1/agents         without an Idempotency-Key
 *   post_agents_idem                    the same with a fresh Idempotency-Key per request
 *
 * Throughput and latency under load use N connections (pipelining 1). The costs of the
 * middleware and of idempotency are differences of p50s at ONE connection: under load, latency
 * is mostly queueing (p50 ≈ connections / throughput), so a difference of loaded p50s multiplies
 * the per-request cost by the number of requests waiting; at one connection it is the cost one
 * client sees. The loaded p50 difference is reported too, and so is the difference in CPU per
 * request (below). Latencies are collected from every response (hrtime, not autocannon's
 * 1 ms-resolution histogram); a warm-up run before each measurement is discarded.
 *
 * CPU per request (Linux /proc): for each loaded measurement, the CPU time of the server process
 * and, when PostgreSQL runs on this machine, of the backends serving the bench database, divided
 * by the responses. On a shared machine these hold up far better than req/s, and they say where
 * a request's cost goes; the share of the machine used by other processes is logged per
 * measurement and noted under the table when it was significant.
 *
 * Environment:
 *   BENCH_DATABASE_URL or TEST_DATABASE_URL  a PostgreSQL server (an admin URL): a fresh database
 *                                            is created in it and dropped afterwards
 *   BENCH_DURATION_SEC, BENCH_WARMUP_SEC, BENCH_CONNECTIONS  override the measurement profile
 *   BENCH_LOG_LEVEL      the servers' LOG_LEVEL (default warn)
 *   BENCH_CPU_PROF=dir   run the servers with --cpu-prof, profiles written to dir on exit
 */
import { cpus } from 'node:os';
import { CpuMeter, type CpuUse } from './cpu.js';
import { type LoadSpec, type Measurement, runLoad } from './load.js';
import type { Figure, Suite, SuiteOptions, Target } from './report.js';
import { createDatabase, readTestKey, removeTempDir, startServer, tempDir } from './server-process.js';

const BENCH = 'http';
const SEED_AGENTS = 50;

const TARGET_OVERHEAD: Target = { op: '<=', value: 1 };
const TARGET_GET_AGENTS_PG: Target = { op: '>=', value: 3000 };

export type Engine = 'pglite' | 'postgres';

export interface Profile {
  durationSec: number;
  warmupSec: number;
  /** Connections for the loaded measurements. */
  connections: number;
}

export const FULL_PROFILE: Profile = { durationSec: 8, warmupSec: 2, connections: 20 };
export const QUICK_PROFILE: Profile = { durationSec: 1, warmupSec: 0.3, connections: 10 };

export interface HttpBenchOptions extends Partial<Profile> {
  quick?: boolean;
  /** Default: PGlite, and PostgreSQL when a URL is given or in the environment. */
  engines?: Engine[];
  /** An admin URL of a PostgreSQL server; default BENCH_DATABASE_URL, then TEST_DATABASE_URL. */
  postgresUrl?: string | undefined;
  /** Also measure GET /v1/agents on two server processes sharing the PostgreSQL database (default true). */
  scaleOut?: boolean;
  log?: (line: string) => void;
  note?: (line: string) => void;
}

export const httpSuite: Suite = {
  name: BENCH,
  description:
    'GET/POST /v1/agents, middleware and idempotency cost, on PGlite and PostgreSQL (server in its own process)',
  run: (options: SuiteOptions) => runHttpBench({ quick: options.quick, log: options.log, note: options.note }),
};

export async function runHttpBench(options: HttpBenchOptions = {}): Promise<Figure[]> {
  const base = options.quick ? QUICK_PROFILE : FULL_PROFILE;
  const profile: Profile = {
    durationSec: options.durationSec ?? envNumber('BENCH_DURATION_SEC') ?? base.durationSec,
    warmupSec: options.warmupSec ?? envNumber('BENCH_WARMUP_SEC') ?? base.warmupSec,
    connections: options.connections ?? envNumber('BENCH_CONNECTIONS') ?? base.connections,
  };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const note = options.note ?? log;
  const postgresUrl =
    options.postgresUrl ?? (process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined);
  const engines = options.engines ?? (postgresUrl ? ['pglite', 'postgres'] : ['pglite']);

  if (!engines.includes('postgres') && !options.engines) {
    note(
      'PostgreSQL figures were NOT measured: no database URL. Run e.g. ' +
        '`BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench -- http` ' +
        '(or set TEST_DATABASE_URL); the bench creates a fresh database there and drops it afterwards.',
    );
  }
  note(
    `Profile: ${profile.connections} connections (pipelining 1) for loaded figures, 1 connection for the _c1 figures; ` +
      `${profile.warmupSec} s warm-up (discarded) + ${profile.durationSec} s per measurement. ` +
      `autocannon runs in the bench process on the same ${cpus().length}-CPU machine as the server${engines.includes('postgres') ? ' and PostgreSQL' : ''}, so they share the CPUs.`,
  );

  const figures: Figure[] = [];
  for (const engine of engines) {
    if (engine === 'postgres' && !postgresUrl)
      throw new Error('engine postgres needs BENCH_DATABASE_URL or TEST_DATABASE_URL');
    figures.push(
      ...(await benchEngine(engine, { profile, postgresUrl, scaleOut: options.scaleOut ?? true, log, note })),
    );
  }
  return figures;
}

// ---------------------------------------------------------------------------------------------
// one engine

interface EngineRun {
  profile: Profile;
  postgresUrl: string | undefined;
  scaleOut: boolean;
  log: (line: string) => void;
  note: (line: string) => void;
}

const AGENT_BODY = JSON.stringify({
  name: 'Bench agent',
  system_prompt: 'You are a friendly assistant who confirms appointments. Keep answers short.',
  first_message: 'Hello! I am calling about your appointment tomorrow.',
});

async function benchEngine(engine: Engine, run: EngineRun): Promise<Figure[]> {
  const { profile, log } = run;
  const cleanups: Array<{ what: string; fn: () => Promise<void> | void }> = [];
  const figures: Figure[] = [];
  const fig = (figure: string, value: number, unit: string, extra: { target?: Target; note?: string } = {}) => {
    figures.push({ bench: BENCH, figure, engine, value, unit, ...extra });
  };

  try {
    let databaseUrl: string | undefined;
    let databaseName: string | undefined;
    if (engine === 'postgres') {
      const created = await createDatabase(run.postgresUrl!);
      cleanups.push({ what: `drop database ${created.name}`, fn: created.drop });
      databaseUrl = created.url;
      databaseName = created.name;
      log(`[http/${engine}] created database ${created.name}`);
    }
    const dataDir = tempDir(`cs-bench-${engine}-`);
    cleanups.push({ what: `remove ${dataDir}`, fn: () => removeTempDir(dataDir) });

    log(`[http/${engine}] starting the server…`);
    const server = await startServer({ dataDir, databaseUrl });
    cleanups.push({ what: `stop server ${server.pid}`, fn: () => server.stop() });
    const key = readTestKey(dataDir);
    log(`[http/${engine}] server pid ${server.pid} on ${server.base}; seeding ${SEED_AGENTS} agents`);
    await seedAgents(server.base, key, SEED_AGENTS);

    const cpu = new CpuMeter(run.postgresUrl, databaseName);
    cleanups.push({ what: 'close the CPU meter', fn: () => cpu.close() });
    let busiestOthers = 0;
    const measure = async (label: string, spec: LoadSpec, connections: number, servers = [server]) => {
      const bases = servers.map((s) => s.base);
      await runLoad(bases, spec, connections, profile.warmupSec);
      const before = await cpu.sample(servers.map((s) => s.pid));
      const m = await runLoad(bases, spec, connections, profile.durationSec);
      const used = cpu.since(before, await cpu.sample(servers.map((s) => s.pid)), m.ok);
      busiestOthers = Math.max(busiestOthers, used.othersShare);
      log(
        `[http/${engine}] ${label.padEnd(26)} c=${String(connections).padEnd(3)} ${m.rps.toFixed(1).padStart(8)} req/s  ` +
          `p50 ${m.p50.toFixed(2).padStart(6)} ms  p99 ${m.p99.toFixed(2).padStart(6)} ms | CPU ms/req: server ${used.serverMs.toFixed(3)}` +
          `${used.dbMs === undefined ? '' : `  db ${used.dbMs.toFixed(3)}`}  loadgen ${used.loadgenMs.toFixed(3)} | machine busy ` +
          `${(100 * used.busyShare).toFixed(0)}%, others ${(100 * used.othersShare).toFixed(0)}%`,
      );
      return { ...m, cpu: used };
    };
    const health: LoadSpec = { method: 'GET', path: '/v1/health' };
    const me: LoadSpec = { method: 'GET', path: '/v1/me', key };
    const getAgents: LoadSpec = { method: 'GET', path: '/v1/agents?limit=20', key };
    const postAgents: LoadSpec = { method: 'POST', path: '/v1/agents', key, body: AGENT_BODY };
    const postAgentsIdem: LoadSpec = { ...postAgents, idempotencyKeys: true };

    // One client: what a request costs without queueing.
    const healthC1 = await measure('GET /v1/health', health, 1);
    const meC1 = await measure('GET /v1/me', me, 1);
    // Under load. GET before POST: the POSTs grow the agents table.
    const healthN = await measure('GET /v1/health', health, profile.connections);
    const meN = await measure('GET /v1/me', me, profile.connections);
    const agentsN = await measure('GET /v1/agents?limit=20', getAgents, profile.connections);
    const postC1 = await measure('POST /v1/agents', postAgents, 1);
    const postIdemC1 = await measure('POST /v1/agents +idem key', postAgentsIdem, 1);
    const postN = await measure('POST /v1/agents', postAgents, profile.connections);
    const postIdemN = await measure('POST /v1/agents +idem key', postAgentsIdem, profile.connections);
    const memory = server.memory();

    const c = profile.connections;
    const loaded = (name: string, m: Measured, target?: Target) => {
      fig(`${name}_rps`, round1(m.rps), 'req/s', target ? { target } : {});
      fig(`${name}_p50_ms`, round2(m.p50), 'ms');
      fig(`${name}_p99_ms`, round2(m.p99), 'ms');
      fig(`${name}_server_cpu_ms`, round3(m.cpu.serverMs), 'ms/req', {
        note: 'CPU time (user+sys) of the server process per response under load',
      });
      if (m.cpu.dbMs !== undefined) {
        fig(`${name}_db_cpu_ms`, round3(m.cpu.dbMs), 'ms/req', {
          note: 'CPU time of the PostgreSQL backends serving the bench database per response (background writers not counted)',
        });
      }
    };
    loaded('health', healthN);
    loaded('me', meN);
    loaded('get_agents', agentsN, engine === 'postgres' ? TARGET_GET_AGENTS_PG : undefined);
    loaded('post_agents', postN);
    loaded('post_agents_idem', postIdemN);

    fig('health_c1_p50_ms', round2(healthC1.p50), 'ms');
    fig('me_c1_p50_ms', round2(meC1.p50), 'ms');
    fig('middleware_overhead_p50_ms', round2(meC1.p50 - healthC1.p50), 'ms', {
      target: TARGET_OVERHEAD,
      note: 'p50(GET /v1/me) − p50(GET /v1/health) at 1 connection: auth (one indexed key lookup) + rate limit',
    });
    fig('middleware_overhead_p99_ms', round2(meC1.p99 - healthC1.p99), 'ms');
    fig('middleware_overhead_p50_loaded_ms', round2(meN.p50 - healthN.p50), 'ms', {
      note: `the same difference at ${c} connections (includes queueing)`,
    });
    fig('middleware_cpu_ms', round3(totalCpu(meN) - totalCpu(healthN)), 'ms/req', {
      note: 'CPU per request of GET /v1/me − of GET /v1/health under load, server + database backends',
    });
    fig('post_agents_c1_p50_ms', round2(postC1.p50), 'ms');
    fig('post_agents_idem_c1_p50_ms', round2(postIdemC1.p50), 'ms');
    fig('idempotency_overhead_p50_ms', round2(postIdemC1.p50 - postC1.p50), 'ms', {
      note: 'p50(POST /v1/agents with a fresh Idempotency-Key) − p50(without) at 1 connection',
    });
    fig('idempotency_overhead_p99_ms', round2(postIdemC1.p99 - postC1.p99), 'ms');
    fig('idempotency_cpu_ms', round3(totalCpu(postIdemN) - totalCpu(postN)), 'ms/req', {
      note: 'CPU per request of POST /v1/agents with a key − without, server + database backends',
    });
    if (memory) {
      fig('server_rss_mib', round1(memory.rssMiB), 'MiB', {
        note: 'VmRSS of the server process after the run; _peak is VmHWM',
      });
      fig('server_rss_peak_mib', round1(memory.peakMiB), 'MiB');
    }

    if (engine === 'postgres' && run.scaleOut) {
      // Scale-out: a second API process on the same database; the load is split between both.
      const dataDir2 = tempDir('cs-bench-postgres2-');
      cleanups.push({ what: `remove ${dataDir2}`, fn: () => removeTempDir(dataDir2) });
      log(`[http/${engine}] starting a second server process on the same database…`);
      const server2 = await startServer({ dataDir: dataDir2, databaseUrl });
      cleanups.push({ what: `stop server ${server2.pid}`, fn: () => server2.stop() });
      const two = await measure('GET /v1/agents (2 procs)', getAgents, c, [server, server2]);
      fig('get_agents_rps_2proc', round1(two.rps), 'req/s', {
        target: TARGET_GET_AGENTS_PG,
        note: `two server processes on one PostgreSQL database, ${c} connections split evenly between them`,
      });
      fig('get_agents_p50_ms_2proc', round2(two.p50), 'ms');
      fig('get_agents_p99_ms_2proc', round2(two.p99), 'ms');
      fig('get_agents_server_cpu_ms_2proc', round3(two.cpu.serverMs), 'ms/req');
      if (two.cpu.dbMs !== undefined) fig('get_agents_db_cpu_ms_2proc', round3(two.cpu.dbMs), 'ms/req');
    }
    if (busiestOthers > 0.1) {
      run.note(
        `During the ${engine} measurements other processes used up to ${(100 * busiestOthers).toFixed(0)}% of the machine's CPU: ` +
          'throughput and latency figures are lower than on an idle machine; the CPU-per-request figures are less affected.',
      );
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup.fn();
      } catch (err) {
        log(`[http/${engine}] cleanup failed (${cleanup.what}): ${(err as Error).message}`);
      }
    }
  }
  return figures;
}

async function seedAgents(base: string, key: string, count: number): Promise<void> {
  const one = async (i: number) => {
    const res = await fetch(`${base}/v1/agents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Seed agent ${i}`, system_prompt: 'Seeded for the benchmark.' }),
    });
    if (res.status !== 201) throw new Error(`seeding agent ${i}: ${res.status} ${await res.text()}`);
  };
  for (let i = 0; i < count; i += 10) {
    await Promise.all(Array.from({ length: Math.min(10, count - i) }, (_, j) => one(i + j)));
  }
}

type Measured = Measurement & { cpu: CpuUse };

const totalCpu = (m: Measured) => m.cpu.serverMs + (m.cpu.dbMs ?? 0);

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${raw} is not a positive number`);
  return n;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const round3 = (n: number) => Math.round(n * 1000) / 1000;
