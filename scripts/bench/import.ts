/**
 * `npm run bench -- import`: `POST /v1/contact-lists/{id}/import` of a generated CSV, on PGlite
 * and on PostgreSQL, with the server in its own process (server-process.ts, as the http suite).
 *
 * The CSV (phone, first_name, last_name, email, company, notes: ~90 bytes a row) is generated as
 * it is uploaded, never held in memory, for 100,000 and 1,000,000 rows (5,000 with --quick).
 * Every row is a new, valid US number, so each measured row is an INSERT. A 5,000-row import
 * warms the server up first (its RSS growth is reported apart). Measured per size:
 *
 *   import_<n>_rows_per_s       rows in the answer's total_rows / wall time of the request
 *   import_<n>_rss_growth_mib   the server's peak RSS during the import (sampled every 20 ms
 *                               from /proc) minus its RSS just before: flat memory means this
 *                               does not grow with the file
 *   import_<n>_server_cpu_us    CPU time of the server process per row, and _db_cpu_us of the
 *                               PostgreSQL backends (local PostgreSQL only): these hold up on a
 *                               busy machine where rows/s does not
 *
 * Environment: BENCH_DATABASE_URL or TEST_DATABASE_URL (an admin URL: a fresh database is made
 * and dropped), BENCH_IMPORT_ROWS=100000,1000000 to choose the sizes.
 */
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { CpuMeter } from './cpu.js';
import type { Figure, Suite, SuiteOptions, Target } from './report.js';
import {
  createDatabase,
  readTestKey,
  removeTempDir,
  type ServerProcess,
  startServer,
  tempDir,
} from './server-process.js';

const BENCH = 'import';
const FULL_SIZES = [100_000, 1_000_000];
const QUICK_SIZES = [5_000];
const TARGET_ROWS_PER_S_PG: Target = { op: '>=', value: 20_000 };
const TARGET_RSS_GROWTH: Target = { op: '<=', value: 100 };
/** Real area codes, so libphonenumber's range check (max metadata) passes every generated number. */
const AREA_CODES = [212, 213, 305, 312, 415, 617, 646, 702, 718, 917];
const ROWS_PER_CHUNK = 500;
const WARMUP_ROWS = 5_000;
const QUICK_WARMUP_ROWS = 1_000;

type Engine = 'pglite' | 'postgres';

export const importSuite: Suite = {
  name: BENCH,
  description: 'CSV import of 100k and 1M generated rows: rows/s and server RSS growth, PGlite and PostgreSQL',
  run: (options: SuiteOptions) => runImportBench(options),
};

export async function runImportBench(options: SuiteOptions & { engines?: Engine[] }): Promise<Figure[]> {
  const postgresUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
  const engines = options.engines ?? (postgresUrl ? ['pglite', 'postgres'] : ['pglite']);
  if (!postgresUrl) options.note('PostgreSQL was NOT measured: set BENCH_DATABASE_URL or TEST_DATABASE_URL.');
  const sizes = process.env.BENCH_IMPORT_ROWS
    ? process.env.BENCH_IMPORT_ROWS.split(',').map(Number)
    : options.quick
      ? QUICK_SIZES
      : FULL_SIZES;
  const figures: Figure[] = [];
  for (const engine of engines) figures.push(...(await benchEngine(engine, sizes, postgresUrl, options)));
  return figures;
}

async function benchEngine(
  engine: Engine,
  sizes: number[],
  postgresUrl: string | undefined,
  options: SuiteOptions,
): Promise<Figure[]> {
  const log = (line: string) => options.log(`[import/${engine}] ${line}`);
  const cleanups: Array<() => Promise<void> | void> = [];
  const figures: Figure[] = [];
  try {
    let databaseUrl: string | undefined;
    if (engine === 'postgres') {
      if (!postgresUrl) throw new Error('engine postgres needs BENCH_DATABASE_URL or TEST_DATABASE_URL');
      const created = await createDatabase(postgresUrl);
      cleanups.push(created.drop);
      databaseUrl = created.url;
    }
    const dataDir = tempDir(`cs-bench-import-${engine}-`);
    cleanups.push(() => removeTempDir(dataDir));
    const server = await startServer({ dataDir, databaseUrl });
    cleanups.push(() => server.stop());
    const key = readTestKey(dataDir);
    const cpu = new CpuMeter(postgresUrl, databaseUrl ? new URL(databaseUrl).pathname.slice(1) : undefined);
    cleanups.push(() => cpu.close());

    let offset = 0;
    /** One import of `rows` new contacts into a new list, measured. */
    const measure = async (rows: number) => {
      const listId = await createList(server.base, key, `bench ${rows}`);
      const before = server.memory()?.rssMiB;
      let peak = before ?? 0;
      const sampler = setInterval(() => {
        const m = server.memory();
        if (m && m.rssMiB > peak) peak = m.rssMiB;
      }, 20);
      const cpuBefore = await cpu.sample([server.pid]);
      const started = performance.now();
      let answer: { total_rows: number; imported: number; rejected_count: number; rejected: unknown[] };
      try {
        answer = await upload(server, key, listId, csvRows(rows, offset));
      } finally {
        clearInterval(sampler);
      }
      const seconds = (performance.now() - started) / 1000;
      const used = cpu.since(cpuBefore, await cpu.sample([server.pid]), rows);
      offset += rows;
      if (answer.imported !== rows || answer.rejected_count !== 0) {
        throw new Error(
          `expected ${rows} new contacts, the import answered ${JSON.stringify({ ...answer, rejected: answer.rejected.slice(0, 3) })}`,
        );
      }
      const rate = answer.total_rows / seconds;
      log(
        `${rows} rows in ${seconds.toFixed(1)} s: ${Math.round(rate)} rows/s; RSS ${before?.toFixed(0)} → peak ${peak.toFixed(0)} MiB; ` +
          `CPU µs/row server ${(used.serverMs * 1000).toFixed(1)}${used.dbMs === undefined ? '' : `, db ${(used.dbMs * 1000).toFixed(1)}`}; ` +
          `machine busy ${(100 * used.busyShare).toFixed(0)}%, others ${(100 * used.othersShare).toFixed(0)}%`,
      );
      if (used.othersShare > 0.1) {
        options.note(
          `${engine}, ${rows} rows: other processes used ${(100 * used.othersShare).toFixed(0)}% of the machine's CPU meanwhile; rows/s is lower than on an idle machine, CPU per row much less affected.`,
        );
      }
      return { rate, used, growth: before === undefined ? undefined : peak - before, peak };
    };

    // The first import into a fresh server also pays for what happens once per process: loading
    // csv-parse and libphonenumber's metadata, compiling the hot paths, V8 growing its young
    // generation from 1 to 16 MB semi-spaces. It is measured and reported apart, so the sizes
    // below show what grows with the file.
    const warmupRows = options.quick ? QUICK_WARMUP_ROWS : WARMUP_ROWS;
    const warmup = await measure(warmupRows);
    if (warmup.growth !== undefined) {
      figures.push({
        bench: BENCH,
        figure: 'import_warmup_rss_growth_mib',
        engine,
        value: Math.round(warmup.growth * 10) / 10,
        unit: 'MiB',
        note: `RSS growth of the first import (${warmupRows} rows) into a freshly started server: one-time costs`,
      });
    }
    for (const rows of sizes) {
      const { rate, used, growth, peak } = await measure(rows);
      const label = rows >= 1_000_000 ? `${rows / 1_000_000}m` : `${rows / 1000}k`;
      figures.push({
        bench: BENCH,
        figure: `import_${label}_rows_per_s`,
        engine,
        value: Math.round(rate),
        unit: 'rows/s',
        ...(engine === 'postgres' ? { target: TARGET_ROWS_PER_S_PG } : {}),
        note: 'one streamed text/csv request, every row a new contact',
      });
      figures.push({
        bench: BENCH,
        figure: `import_${label}_server_cpu_us`,
        engine,
        value: Math.round(used.serverMs * 10_000) / 10,
        unit: 'µs/row',
        note: 'CPU time (user+sys) of the server process per imported row',
      });
      if (used.dbMs !== undefined) {
        figures.push({
          bench: BENCH,
          figure: `import_${label}_db_cpu_us`,
          engine,
          value: Math.round(used.dbMs * 10_000) / 10,
          unit: 'µs/row',
          note: 'CPU time of the PostgreSQL backends serving the bench database per row',
        });
      }
      if (growth !== undefined) {
        figures.push({
          bench: BENCH,
          figure: `import_${label}_rss_growth_mib`,
          engine,
          value: Math.round(growth * 10) / 10,
          unit: 'MiB',
          target: TARGET_RSS_GROWTH,
          note: 'peak VmRSS of the server during the import (20 ms samples) − VmRSS just before it, after the warm-up import',
        });
        figures.push({
          bench: BENCH,
          figure: `import_${label}_rss_peak_mib`,
          engine,
          value: Math.round(peak * 10) / 10,
          unit: 'MiB',
          note: 'peak VmRSS of the server process during the import',
        });
      }
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        log(`cleanup failed: ${(err as Error).message}`);
      }
    }
  }
  return figures;
}

/** `rows` CSV lines after a header, generated lazily; number i is unique across the whole run. */
function csvRows(rows: number, offset: number): Readable {
  function* lines(): Generator<string> {
    yield 'phone,first_name,last_name,email,company,notes\n';
    for (let start = 0; start < rows; start += ROWS_PER_CHUNK) {
      let chunk = '';
      for (let i = start; i < Math.min(rows, start + ROWS_PER_CHUNK); i++) {
        const n = offset + i;
        const area = AREA_CODES[n % AREA_CODES.length];
        const rest = Math.floor(n / AREA_CODES.length);
        const exchange = 200 + (Math.floor(rest / 10_000) % 700);
        const line = String(rest % 10_000).padStart(4, '0');
        chunk += `(${area}) ${exchange}-${line},First${n},Last${n},person${n}@example.com,"Company ${n % 997}, Inc.",row ${n}\n`;
      }
      yield chunk;
    }
  }
  return Readable.from(lines());
}

async function upload(
  server: ServerProcess,
  key: string,
  listId: string,
  body: Readable,
): Promise<{ total_rows: number; imported: number; rejected_count: number; rejected: unknown[] }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.base}/v1/contact-lists/${listId}/import`,
      { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`import answered ${res.statusCode}: ${text.slice(0, 500)}`));
          else resolve(JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    body.on('error', reject);
    body.pipe(req);
  });
}

async function createList(base: string, key: string, name: string): Promise<string> {
  const res = await fetch(`${base}/v1/contact-lists`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`creating a list: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}
