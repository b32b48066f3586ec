import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testBackends } from '../testing/db.js';
import { JobRunner, type QueueDefinition } from './runner.js';
import { addJobs } from './sql/add-jobs.js';
import { claimJobs } from './sql/claim-jobs.js';
import { eventually } from './testing/eventually.js';
import { JobError } from './types.js';

const logger = pino({ level: 'silent' });

describe.each(testBackends())('job queue on %s', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await t?.drop();
  });

  const runner = (queues: Record<string, QueueDefinition>, extra: { lockTimeoutMs?: number } = {}) =>
    new JobRunner({ db: t.db, queues, logger, pollIntervalMs: 50, ...extra });
  const jobRow = (queue: string) =>
    t.db.kysely.selectFrom('jobs').selectAll().where('queue', '=', queue).executeTakeFirst();

  it('runs each added job once and deletes it when done; a dedupe key keeps one job per key', async () => {
    const seen: unknown[] = [];
    const r = runner({ basic: { handler: async (job) => void seen.push(job.payload.n), concurrency: 4 } });
    await r.start();
    try {
      expect(
        await addJobs(
          t.db.kysely,
          [1, 2, 3].map((n) => ({ queue: 'basic', payload: { n } })),
        ),
      ).toBe(3);
      await eventually(async () => seen.length === 3);
      expect(seen.sort()).toEqual([1, 2, 3]);
      await eventually(async () => !(await jobRow('basic')));
    } finally {
      await r.stop();
    }
    const once = { queue: 'dedupe', key: 'k1', runAt: new Date(Date.now() + 3_600_000) };
    expect(await addJobs(t.db.kysely, [once])).toBe(1);
    expect(await addJobs(t.db.kysely, [once])).toBe(0);
  });

  it('retries a failing job on its schedule, storing the error, and fails it for good when attempts are spent', async () => {
    const attempts: number[] = [];
    const r = runner({
      flaky: {
        handler: async (job) => {
          attempts.push(job.attempts);
          throw new Error(`boom ${job.attempts}`);
        },
        retry: { scheduleSec: [0.05, 0.1], jitter: 0 },
      },
    });
    await r.start();
    try {
      await addJobs(t.db.kysely, [{ queue: 'flaky', maxAttempts: 3 }]);
      const row = await eventually(async () => {
        const j = await jobRow('flaky');
        return j?.failed_at ? j : undefined;
      });
      expect(attempts).toEqual([1, 2, 3]);
      expect(row.attempts).toBe(3);
      expect(row.last_error).toBe('boom 3');
      expect(row.locked_by).toBeNull();
    } finally {
      await r.stop();
    }
  });

  it('computes the backoff in SQL with Retry-After as a floor, and fails a permanent error at once', async () => {
    const r = runner({
      floor: {
        handler: async () => {
          throw new JobError('busy', { retryAfterMs: 120_000 });
        },
        retry: { scheduleSec: [1], jitter: 0 },
      },
      fatal: {
        handler: async () => {
          throw new JobError('bad payload', { permanent: true });
        },
      },
    });
    await r.start();
    try {
      await addJobs(t.db.kysely, [{ queue: 'floor' }, { queue: 'fatal' }]);
      const floor = await eventually(async () => {
        const j = await jobRow('floor');
        return j && j.attempts === 1 && !j.locked_by ? j : undefined;
      });
      const delayS = (new Date(floor.run_at).getTime() - Date.now()) / 1000;
      expect(delayS).toBeGreaterThan(110);
      expect(delayS).toBeLessThan(125);
      const fatal = await eventually(async () => {
        const j = await jobRow('fatal');
        return j?.failed_at ? j : undefined;
      });
      expect(fatal.attempts).toBe(1);
      expect(fatal.last_error).toBe('bad payload');
    } finally {
      await r.stop();
    }
  });

  it('reschedules a recurring job without counting an attempt', async () => {
    let runs = 0;
    const r = runner({
      cron: {
        handler: async () => {
          runs++;
          return { rescheduleAt: new Date(Date.now() + (runs < 3 ? 20 : 3_600_000)) };
        },
      },
    });
    await r.start();
    try {
      await addJobs(t.db.kysely, [{ queue: 'cron', key: 'cron' }]);
      await eventually(async () => runs >= 3);
      const row = await eventually(async () => {
        const j = await jobRow('cron');
        return j && !j.locked_by ? j : undefined;
      });
      expect(row.attempts).toBe(0);
      expect(new Date(row.run_at).getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    } finally {
      await r.stop();
    }
  });

  it('picks up a job whose worker died once its lock times out', async () => {
    await addJobs(t.db.kysely, [{ queue: 'orphan', payload: { n: 1 } }]);
    // A worker claims it and dies without a word: its lock is never renewed.
    const [claimed] = await claimJobs(t.db.kysely, { queue: 'orphan', limit: 1, workerId: 'dead-worker' });
    expect(claimed?.attempts).toBe(1);
    await sql`UPDATE jobs SET locked_at = now() - interval '10 minutes' WHERE queue = 'orphan'`.execute(t.db.kysely);
    const ran: number[] = [];
    const r = runner({ orphan: { handler: async (job) => void ran.push(job.attempts) } }, { lockTimeoutMs: 60_000 });
    await r.start();
    try {
      await eventually(async () => ran.length === 1);
      expect(ran).toEqual([2]);
      await eventually(async () => !(await jobRow('orphan')));
    } finally {
      await r.stop();
    }
  });

  it('on stop, lets a short job finish and hands an unfinished one back, ready for the next worker', async () => {
    let finishedShort = false;
    const r = runner({
      short: {
        handler: async () => {
          await new Promise((res) => setTimeout(res, 50));
          finishedShort = true;
        },
      },
      long: { handler: (_job, { signal }) => new Promise((_res, rej) => signal.addEventListener('abort', rej)) },
    });
    await r.start();
    await addJobs(t.db.kysely, [{ queue: 'short' }, { queue: 'long' }]);
    await eventually(async () => r.inflightCount('long') === 1 && r.inflightCount('short') === 1);
    await r.stop({ graceMs: 300 });
    expect(finishedShort).toBe(true);
    expect(await jobRow('short')).toBeUndefined();
    const long = await jobRow('long');
    expect(long?.locked_by).toBeNull();
    expect(long?.attempts).toBe(0);
    expect(long?.failed_at).toBeNull();
    let ranAgain = false;
    const next = runner({
      long: {
        handler: async () => {
          ranAgain = true;
        },
      },
    });
    await next.start();
    try {
      await eventually(async () => ranAgain);
    } finally {
      await next.stop();
    }
  });
});
