import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';
import { createTestDatabase, type TestDatabase, testBackends } from '../testing/db.js';
import { JobRunner } from './runner.js';
import { addJobs } from './sql/add-jobs.js';
import { eventually } from './testing/eventually.js';

const logger = pino({ level: 'silent' });
const JOBS = 3000;

// SKIP LOCKED only matters with many connections, which PGlite does not have.
describe.each(testBackends().filter((b) => b === 'postgres'))('job queue with several workers on %s', (backend) => {
  let t: TestDatabase;
  const pools: Database[] = [];
  beforeAll(async () => {
    t = await createTestDatabase(backend);
  });
  afterAll(async () => {
    for (const p of pools) await p.close();
    await t?.drop();
  });

  it('runs every job exactly once across three workers, each with its own connection pool', async () => {
    const runs = new Map<number, string[]>();
    const runners: JobRunner[] = [];
    for (let w = 0; w < 3; w++) {
      const db = await openDatabase({ url: t.url, poolSize: 4 });
      pools.push(db);
      const workerId = `worker-${w}`;
      runners.push(
        new JobRunner({
          db,
          logger,
          workerId,
          pollIntervalMs: 100,
          queues: {
            work: {
              concurrency: 50,
              handler: async (job) => {
                const n = job.payload.n as number;
                runs.set(n, [...(runs.get(n) ?? []), workerId]);
              },
            },
          },
        }),
      );
    }
    await Promise.all(runners.map((r) => r.start()));
    try {
      const started = performance.now();
      for (let i = 0; i < JOBS; i += 500) {
        await addJobs(
          t.db.kysely,
          Array.from({ length: 500 }, (_, k) => ({ queue: 'work', payload: { n: i + k } })),
        );
      }
      await eventually(async () => runs.size === JOBS, 30_000);
      const seconds = (performance.now() - started) / 1000;
      await eventually(async () => {
        const left = await t.db.kysely
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst();
        return Number(left?.n) === 0;
      });
      const twice = [...runs.entries()].filter(([, by]) => by.length !== 1);
      expect(twice).toEqual([]);
      const workersUsed = new Set([...runs.values()].flat());
      expect(workersUsed.size).toBeGreaterThan(1);
      console.info(
        `job queue: ${JOBS} jobs over 3 workers in ${seconds.toFixed(2)} s: ${Math.round(JOBS / seconds)} jobs/s`,
      );
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
  });
});
