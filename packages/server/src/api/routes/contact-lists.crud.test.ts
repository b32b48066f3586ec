import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(testBackends())('contact lists API on %s', (backend) => {
  let t: TestPlatform;
  let key: string;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    key = (await t.createTenant('Lists')).testKey;
  });
  afterAll(async () => {
    await t?.close();
  });

  const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, k = key) =>
    t.request({ method, url, key: k, ...(payload ? { payload } : {}) });

  it('creates, gets, renames and deletes a list; its contacts stay', async () => {
    const res = await req('POST', '/v1/contact-lists', { name: ' Q4 leads ', description: 'From the fair' });
    expect(res.statusCode, res.body).toBe(201);
    const list = res.json();
    expect(list).toEqual({
      id: expect.stringMatching(/^lst_[0-9A-HJKMNP-TV-Z]{26}$/),
      object: 'contact_list',
      name: 'Q4 leads',
      description: 'From the fair',
      contact_count: 0,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });
    expect((await req('GET', `/v1/contact-lists/${list.id}`)).json()).toEqual(list);

    const contact = (await req('POST', '/v1/contacts', { phone: '+15035550100', list_ids: [list.id] })).json();
    expect((await req('GET', `/v1/contact-lists/${list.id}`)).json().contact_count).toBe(1);

    const renamed = await req('PATCH', `/v1/contact-lists/${list.id}`, { name: 'Q4', description: null });
    expect(renamed.json()).toMatchObject({ name: 'Q4', description: null, contact_count: 1 });

    expect((await req('DELETE', `/v1/contact-lists/${list.id}`)).json()).toEqual({
      id: list.id,
      object: 'contact_list',
      deleted: true,
    });
    expect((await req('GET', `/v1/contact-lists/${list.id}`)).statusCode).toBe(404);
    expect((await req('GET', `/v1/contact-lists/${list.id}/contacts`)).statusCode).toBe(404);
    expect((await req('GET', `/v1/contacts/${contact.id}`)).json().list_ids).toEqual([]);
  });

  it('answers 400 with per-field errors for a bad list', async () => {
    const res = await req('POST', '/v1/contact-lists', { name: '', extra: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['name', '']));
    const patch = await req('PATCH', '/v1/contact-lists/lst_01HZZZZZZZZZZZZZZZZZZZZZZZ', { name: 'x' });
    expect(patch.statusCode).toBe(404);
  });

  it('pages through lists and through a list of contacts, newest first', async () => {
    const other = await t.createTenant('Pages');
    const lists: string[] = [];
    for (let i = 0; i < 3; i++) {
      lists.push((await req('POST', '/v1/contact-lists', { name: `L${i}` }, other.testKey)).json().id);
    }
    const p1 = (await req('GET', '/v1/contact-lists?limit=2', undefined, other.testKey)).json();
    expect(p1.data.map((l: { id: string }) => l.id)).toEqual([lists[2], lists[1]]);
    const p2 = (
      await req('GET', `/v1/contact-lists?limit=2&cursor=${p1.next_cursor}`, undefined, other.testKey)
    ).json();
    expect(p2).toMatchObject({ has_more: false, next_cursor: null });
    expect(p2.data.map((l: { id: string }) => l.id)).toEqual([lists[0]]);

    const members: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await req('POST', '/v1/contacts', { phone: `+1503555020${i}`, list_ids: [lists[0]] }, other.testKey);
      members.push(c.json().id);
    }
    await req('POST', '/v1/contacts', { phone: '+15035550299' }, other.testKey);
    const c1 = (await req('GET', `/v1/contact-lists/${lists[0]}/contacts?limit=2`, undefined, other.testKey)).json();
    const c2 = (
      await req(
        'GET',
        `/v1/contact-lists/${lists[0]}/contacts?limit=2&cursor=${c1.next_cursor}`,
        undefined,
        other.testKey,
      )
    ).json();
    expect([...c1.data, ...c2.data].map((c: { id: string }) => c.id)).toEqual([...members].reverse());
  });

  it('replays a create with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'list-1' };
    const a = await t.request({ method: 'POST', url: '/v1/contact-lists', key, payload: { name: 'Once' }, headers });
    const b = await t.request({ method: 'POST', url: '/v1/contact-lists', key, payload: { name: 'Once' }, headers });
    expect(b.headers['x-idempotent-replay']).toBe('true');
    expect(b.json().id).toBe(a.json().id);
  });
});
