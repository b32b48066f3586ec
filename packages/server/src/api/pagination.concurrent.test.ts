import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../testing/platform.js';
import { encodeCursor } from './pagination.js';

interface ListBody {
  object: string;
  data: Array<{ id: string; name: string }>;
  has_more: boolean;
  next_cursor: string | null;
}

describe.each(testBackends())('keyset pagination of agents on %s', (backend) => {
  let t: TestPlatform;
  /** A tenant of its own, so the walk sees only the agents this file creates. */
  let key: string;
  let tenantId: string;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    ({ testKey: key, tenantId } = await t.createTenant('Paginated'));
  });
  afterAll(async () => {
    await t?.close();
  });

  let counter = 0;
  const createAgent = async (prefix: string) => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/agents',
      key,
      payload: { name: `${prefix} ${counter++}` },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const page = (query: string) => t.request({ method: 'GET', url: `/v1/agents${query}`, key });

  it('walks every agent that existed before the walk exactly once, newest first, while others are being created', async () => {
    const existing: string[] = [];
    for (let i = 0; i < 45; i++) existing.push(await createAgent('before'));

    const seen: string[] = [];
    const pages: ListBody[] = [];
    const createdDuring: string[] = [];
    let cursor: string | null = null;
    for (let n = 0; n < 50; n++) {
      const query: string = cursor ? `?limit=7&cursor=${encodeURIComponent(cursor)}` : '?limit=7';
      // Two inserts race the page fetch, and one more lands between this page and the next.
      const [res, ...raced] = await Promise.all([page(query), createAgent('during'), createAgent('during')]);
      createdDuring.push(...raced, await createAgent('during'));
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as ListBody;
      pages.push(body);
      seen.push(...body.data.map((a) => a.id));
      expect(body.object).toBe('list');
      expect(body.has_more).toBe(body.next_cursor !== null);
      if (!body.has_more) break;
      expect(body.data).toHaveLength(7);
      cursor = body.next_cursor;
    }

    const last = pages[pages.length - 1]!;
    expect(last.has_more).toBe(false);
    expect(last.next_cursor).toBeNull();
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(45 / 7));
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of existing) expect(seen.filter((s) => s === id)).toHaveLength(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1]! > seen[i]!).toBe(true);
    // Agents created during the walk are newer than everything past the first page, so they can
    // only show up on the page whose fetch they raced.
    const firstPage = new Set(pages[0]!.data.map((a) => a.id));
    for (const id of seen) if (!existing.includes(id)) expect(firstPage.has(id)).toBe(true);
    // And the oldest agent ends the walk.
    expect(seen[seen.length - 1]).toBe(existing[0]);
    expect(createdDuring.length).toBeGreaterThan(0);
  });

  it('resumes from a cursor exactly where the previous page stopped', async () => {
    for (let i = 0; i < 5; i++) await createAgent('resume');
    const all = (await page('?limit=100')).json() as ListBody;
    expect(all.data.length).toBeGreaterThan(10);
    const first = (await page('?limit=4')).json() as ListBody;
    expect(first.data.map((a) => a.id)).toEqual(all.data.slice(0, 4).map((a) => a.id));
    expect(first.has_more).toBe(true);
    const second = (await page(`?limit=4&cursor=${first.next_cursor}`)).json() as ListBody;
    expect(second.data.map((a) => a.id)).toEqual(all.data.slice(4, 8).map((a) => a.id));
    // The cursor is opaque: it does not show the id it stands for.
    expect(first.next_cursor).not.toContain(first.data[3]!.id);
  });

  it('uses a default limit of 20 and accepts the bounds 1 and 100', async () => {
    const res = await page('');
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toHaveLength(20);
    expect(res.json().has_more).toBe(true);
    expect((await page('?limit=1')).json().data).toHaveLength(1);
    const hundred = (await page('?limit=100')).json() as ListBody;
    const total = (
      await t.platform.db.kysely.selectFrom('agents').select('id').where('tenant_id', '=', tenantId).execute()
    ).length;
    expect(total).toBeGreaterThan(20);
    expect(hundred.data.length).toBe(Math.min(total, 100));
    expect(hundred.has_more).toBe(total > 100);
  });

  it('answers has_more false and next_cursor null when the last page is exactly full', async () => {
    const fresh = await t.createTenant('Exact');
    for (let i = 0; i < 4; i++) {
      const res = await t.request({
        method: 'POST',
        url: '/v1/agents',
        key: fresh.testKey,
        payload: { name: `e${i}` },
      });
      expect(res.statusCode).toBe(201);
    }
    const first = await t.request({ method: 'GET', url: '/v1/agents?limit=2', key: fresh.testKey });
    expect(first.json()).toMatchObject({ has_more: true, next_cursor: expect.any(String) });
    const second = await t.request({
      method: 'GET',
      url: `/v1/agents?limit=2&cursor=${first.json().next_cursor}`,
      key: fresh.testKey,
    });
    expect(second.json().data).toHaveLength(2);
    expect(second.json()).toMatchObject({ has_more: false, next_cursor: null });

    const empty = await t.request({ method: 'GET', url: '/v1/agents', key: (await t.createTenant('Empty')).testKey });
    expect(empty.json()).toEqual({ object: 'list', data: [], has_more: false, next_cursor: null });
  });

  it.each(['0', '101', 'abc', '-1', '1.5', '', '1e3'])('refuses limit=%s with 400 at path limit', async (limit) => {
    const res = await page(`?limit=${limit}`);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('validation_error');
    expect(body.errors.map((e: { path: string }) => e.path)).toContain('limit');
  });

  it.each([
    ['garbage', 'garbage'],
    ['a cursor without its version', Buffer.from('agt_01HZZZZZZZZZZZZZZZZZZZZZZZ').toString('base64url')],
    ['a version with no id', Buffer.from('c1:').toString('base64url')],
    ['an id with a NUL byte', Buffer.from('c1:agt_\u0000').toString('base64url')],
    ['an id with a control character', Buffer.from('c1:agt\n1').toString('base64url')],
    ['an id with spaces', Buffer.from('c1:agt 1').toString('base64url')],
  ])('refuses %s as cursor with 400 invalid_cursor', async (_label, cursor) => {
    const res = await page(`?cursor=${encodeURIComponent(cursor)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'invalid_cursor',
      detail: expect.any(String),
      errors: [{ path: 'cursor', message: expect.any(String) }],
    });
  });

  it('accepts a well-formed cursor for an id it never issued, answering what lies past it', async () => {
    const oldest = await page(`?cursor=${encodeCursor('agt_00000000000000000000000000')}`);
    expect(oldest.statusCode).toBe(200);
    expect(oldest.json()).toEqual({ object: 'list', data: [], has_more: false, next_cursor: null });
    const newest = await page(`?limit=3&cursor=${encodeCursor('agt_ZZZZZZZZZZZZZZZZZZZZZZZZZZ')}`);
    expect(newest.json().data).toHaveLength(3);
  });
});
