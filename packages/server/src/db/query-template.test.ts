import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testBackends } from '../testing/db.js';
import { QueryTemplate } from './query-template.js';

describe.each(testBackends())('QueryTemplate on %s', (backend) => {
  let test: TestDatabase;
  const db = {
    get kysely() {
      return test.db.kysely;
    },
  };
  beforeAll(async () => {
    test = await createTestDatabase(backend, { migrated: false });
    await db.kysely.schema.createTable('things').addColumn('id', 'text').addColumn('n', 'integer').execute();
    await db.kysely
      .insertInto('things' as never)
      .values([1, 2, 3, 4, 5].map((n) => ({ id: `t${n}`, n })) as never)
      .execute();
  });
  afterAll(async () => {
    await test?.drop();
  });

  type Args = { min: number; below?: string; limit: number };
  const template = new QueryTemplate<unknown, Args, { id: string }>({
    shapeOf: (a) => (a.below === undefined ? 'all' : 'below'),
    build: (kysely, a, slot) => {
      // biome-ignore lint/suspicious/noExplicitAny: a table made by this test only
      let q = (kysely as any).selectFrom('things').select('id').where('n', '>=', slot('min'));
      if (a.below !== undefined) q = q.where('id', '<', slot('below'));
      return q.orderBy('id', 'desc').limit(slot('limit'));
    },
  });
  const ids = async (args: Args) => (await template.execute(db.kysely as never, args)).map((r) => r.id);

  it('runs each shape with the values of each call, not those it was first built with', async () => {
    expect(await ids({ min: 2, limit: 10 })).toEqual(['t5', 't4', 't3', 't2']);
    expect(await ids({ min: 4, limit: 10 })).toEqual(['t5', 't4']);
    expect(await ids({ min: 1, limit: 2 })).toEqual(['t5', 't4']);
    expect(await ids({ min: 1, below: 't4', limit: 10 })).toEqual(['t3', 't2', 't1']);
    expect(await ids({ min: 3, below: 't5', limit: 1 })).toEqual(['t4']);
    expect(await ids({ min: 5, limit: 10 })).toEqual(['t5']);
  });
});
