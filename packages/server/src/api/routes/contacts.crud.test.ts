import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function expectFieldError(res: LightMyRequestResponse, path: string): string {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json().code).toBe('validation_error');
  const entry = (res.json().errors ?? []).find((e: { path: string }) => e.path === path);
  expect(entry, `no error at '${path}' in ${res.body}`).toBeDefined();
  return entry.message;
}

describe.each(testBackends())('contacts API: create, read, update, delete on %s', (backend) => {
  let t: TestPlatform;
  let key: string;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    key = (await t.createTenant('Contacts')).testKey;
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (payload: object, k = key) => t.request({ method: 'POST', url: '/v1/contacts', key: k, payload });
  const created = async (payload: object, k = key) => {
    const res = await create(payload, k);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const get = (id: string) => t.request({ method: 'GET', url: `/v1/contacts/${id}`, key });
  const patch = (id: string, payload: object) =>
    t.request({ method: 'PATCH', url: `/v1/contacts/${id}`, key, payload });
  const list = (query = '') => t.request({ method: 'GET', url: `/v1/contacts${query}`, key });
  const newList = async (name: string) => {
    const res = await t.request({ method: 'POST', url: '/v1/contact-lists', key, payload: { name } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  it('creates a contact with every field, the phone normalised to E.164 with the default region (US)', async () => {
    const listId = await newList('Leads');
    const body = await created({
      phone: '(212) 555-0142',
      name: '  Ada Lovelace ',
      email: 'ada@example.com',
      company: 'Analytical Engines',
      timezone: 'america/new_york',
      tags: ['vip', 'vip', 'ny'],
      custom_fields: { plan: 'gold', seats: 12, renewed: true },
      metadata: { crm_id: 'A-1' },
      list_ids: [listId],
    });
    expect(body).toEqual({
      id: expect.stringMatching(/^ctc_[0-9A-HJKMNP-TV-Z]{26}$/),
      object: 'contact',
      phone: '+12125550142',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      company: 'Analytical Engines',
      timezone: 'America/New_York',
      tags: ['vip', 'ny'],
      custom_fields: { plan: 'gold', seats: 12, renewed: true },
      metadata: { crm_id: 'A-1' },
      list_ids: [listId],
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });
    expect((await get(body.id)).json()).toEqual(body);
  });

  it('reads national numbers with the tenant default_region set in /v1/me', async () => {
    const other = await t.createTenant('British');
    const me = await t.request({
      method: 'PATCH',
      url: '/v1/me',
      key: other.testKey,
      payload: { settings: { default_region: 'GB' } },
    });
    expect(me.statusCode, me.body).toBe(200);
    expect((await created({ phone: '020 7183 8750' }, other.testKey)).phone).toBe('+442071838750');
    // E.164 is read as such whatever the region.
    expect((await created({ phone: '+1 415 555 0100' }, other.testKey)).phone).toBe('+14155550100');
  });

  it('fills the optional fields with null and empty collections', async () => {
    const body = await created({ phone: '+14155550101' });
    expect(body).toMatchObject({
      name: null,
      email: null,
      company: null,
      timezone: null,
      tags: [],
      custom_fields: {},
      metadata: {},
      list_ids: [],
    });
  });

  it('answers 400 at phone for a number that is not valid, with the reason', async () => {
    expect(expectFieldError(await create({ phone: '+1 999 999 9999' }), 'phone')).toContain('not a valid phone number');
    expect(expectFieldError(await create({ phone: 'call me' }), 'phone')).toContain('not a phone number');
    expectFieldError(await create({}), 'phone');
  });

  it('answers 400 with an entry per bad field', async () => {
    const res = await create({
      phone: '+14155550102',
      email: 'not-an-email',
      timezone: 'Mars/Olympus_Mons',
      tags: [''],
      custom_fields: { nested: { no: 1 } },
      color: 'blue',
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'timezone', 'tags.0', 'custom_fields.nested', '']));
    expect((await list('?phone=%2B14155550102')).json().data).toEqual([]);
  });

  it("answers 400 at list_ids.N for a list that is not the tenant's", async () => {
    const res = await create({ phone: '+14155550103', list_ids: ['lst_01HZZZZZZZZZZZZZZZZZZZZZZZ'] });
    expect(expectFieldError(res, 'list_ids.0')).toContain('lst_01HZZZZZZZZZZZZZZZZZZZZZZZ');
  });

  it('answers 409 contact_exists with the existing id for a phone already taken, in any form', async () => {
    const first = await created({ phone: '+14155550104', name: 'First' });
    const res = await create({ phone: '415-555-0104', name: 'Second' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'contact_exists', existing_id: first.id });
    expect((await get(first.id)).json().name).toBe('First');
  });

  it('PATCH replaces the fields sent, keeps the rest, and list_ids replaces the memberships', async () => {
    const a = await newList('A');
    const b = await newList('B');
    const contact = await created({ phone: '+14155550105', name: 'Before', tags: ['x'], list_ids: [a] });
    const res = await patch(contact.id, { name: 'After', list_ids: [b] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ...contact, name: 'After', list_ids: [b], updated_at: expect.stringMatching(ISO) });
    expect((await patch(contact.id, { email: null, phone: '415 555 0106' })).json()).toMatchObject({
      phone: '+14155550106',
      email: null,
      name: 'After',
    });
  });

  it('PATCH to a phone another contact has is 409, and changes nothing', async () => {
    const a = await created({ phone: '+14155550107' });
    const b = await created({ phone: '+14155550108', name: 'B' });
    const res = await patch(b.id, { phone: a.phone, name: 'Renamed' });
    expect(res.statusCode).toBe(409);
    expect(res.json().existing_id).toBe(a.id);
    expect((await get(b.id)).json()).toEqual(b);
    expectFieldError(await patch(b.id, { phone: 'nope' }), 'phone');
    expect((await get(b.id)).json()).toEqual(b);
  });

  it('DELETE removes the contact and its memberships; then it is 404', async () => {
    const listId = await newList('Doomed members');
    const contact = await created({ phone: '+14155550109', list_ids: [listId] });
    const res = await t.request({ method: 'DELETE', url: `/v1/contacts/${contact.id}`, key });
    expect(res.json()).toEqual({ id: contact.id, object: 'contact', deleted: true });
    expect((await get(contact.id)).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/v1/contacts/${contact.id}`, key })).statusCode).toBe(404);
    const members = await t.platform.db.kysely
      .selectFrom('contact_list_members')
      .selectAll()
      .where('contact_id', '=', contact.id)
      .execute();
    expect(members).toEqual([]);
    // The number is free again.
    await created({ phone: '+14155550109' });
  });

  it('filters the list by phone (any accepted form), list_id and tag', async () => {
    const listId = await newList('Filtered');
    const a = await created({ phone: '+14155550110', tags: ['gold'], list_ids: [listId] });
    const b = await created({ phone: '+14155550111', tags: ['silver', 'gold'] });
    const ids = async (q: string) => (await list(q)).json().data.map((c: { id: string }) => c.id);
    expect(await ids('?phone=(415)%20555-0110')).toEqual([a.id]);
    expect(await ids(`?list_id=${listId}`)).toEqual([a.id]);
    expect(await ids('?tag=gold&limit=100')).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(await ids('?tag=silver')).toEqual([b.id]);
    expectFieldError(await list('?phone=xyz'), 'phone');
  });

  it('pages through contacts newest first without repeating or skipping', async () => {
    const other = await t.createTenant('Pager');
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await created({ phone: `+1415555012${i}` }, other.testKey)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/v1/contacts?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.request({ method: 'GET', url: q, key: other.testKey })).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((c: { id: string }) => c.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
  });

  it('replays a POST with the same Idempotency-Key instead of answering 409 contact_exists', async () => {
    const headers = { 'idempotency-key': 'contact-create-1' };
    const payload = { phone: '+14155550130', name: 'Once' };
    const first = await t.request({ method: 'POST', url: '/v1/contacts', key, payload, headers });
    const again = await t.request({ method: 'POST', url: '/v1/contacts', key, payload, headers });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['x-idempotent-replay']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const reuse = await t.request({
      method: 'POST',
      url: '/v1/contacts',
      key,
      payload: { ...payload, name: 'Twice' },
      headers,
    });
    expect(reuse.statusCode).toBe(409);
    expect(reuse.json().code).toBe('idempotency_key_reuse');
  });
});
