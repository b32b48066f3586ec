import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

describe.each(testBackends())('POST /v1/contacts/bulk on %s', (backend) => {
  let t: TestPlatform;
  let key: string;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    key = (await t.createTenant('Bulk')).testKey;
  });
  afterAll(async () => {
    await t?.close();
  });

  const bulk = (payload: object, headers = {}) =>
    t.request({ method: 'POST', url: '/v1/contacts/bulk', key, payload, headers });
  const newList = async () =>
    (await t.request({ method: 'POST', url: '/v1/contact-lists', key, payload: { name: 'Bulk list' } })).json()
      .id as string;
  const storedByPhone = (phone: string) =>
    t.platform.db.kysely.selectFrom('contacts').selectAll().where('phone', '=', phone).executeTakeFirst();

  it('answers a result per row: created, updated, rejected with errors; bad rows write nothing', async () => {
    const listId = await newList();
    const existing = await t.request({
      method: 'POST',
      url: '/v1/contacts',
      key,
      payload: { phone: '+13125550100', name: 'Existing', tags: ['a'], custom_fields: { tier: 'gold' } },
    });
    const res = await bulk({
      list_ids: [listId],
      contacts: [
        { phone: '312-555-0101', name: 'New one' },
        { phone: '+13125550100', tags: ['b'], custom_fields: { seats: 3 } },
        { phone: '+1 999 999 9999', name: 'Bad number' },
        { phone: '+13125550102', email: 'nope', name: 'Bad email' },
        { phone: '+13125550103', list_ids: ['lst_01HZZZZZZZZZZZZZZZZZZZZZZZ'] },
        { name: 'No phone' },
        { phone: '(312) 555-0101', company: 'Same number as row 0' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ object: 'bulk_result', created: 1, updated: 2, rejected: 4 });
    const [r0, r1, r2, r3, r4, r5, r6] = body.results;
    expect(r0).toEqual({ index: 0, status: 'created', id: expect.stringMatching(/^ctc_/) });
    expect(r1).toEqual({ index: 1, status: 'updated', id: existing.json().id });
    expect(r2).toMatchObject({ index: 2, status: 'rejected', errors: [{ path: 'phone' }] });
    expect(r3).toMatchObject({ index: 3, status: 'rejected', errors: [{ path: 'email' }] });
    expect(r4).toMatchObject({ index: 4, status: 'rejected', errors: [{ path: 'list_ids.0' }] });
    expect(r5).toMatchObject({ index: 5, status: 'rejected', errors: [{ path: 'phone' }] });
    expect(r6).toEqual({ index: 6, status: 'updated', id: r0.id });

    // Rejected rows left no trace; merged rows kept what they did not send.
    expect(await storedByPhone('+13125550102')).toBeUndefined();
    expect(await storedByPhone('+13125550103')).toBeUndefined();
    expect(await storedByPhone('+13125550101')).toMatchObject({ name: 'New one', company: 'Same number as row 0' });
    expect(await storedByPhone('+13125550100')).toMatchObject({
      name: 'Existing',
      tags: ['a', 'b'],
      custom_fields: { tier: 'gold', seats: 3 },
    });
    const members = await t.request({ method: 'GET', url: `/v1/contact-lists/${listId}/contacts`, key });
    expect(
      members
        .json()
        .data.map((c: { id: string }) => c.id)
        .sort(),
    ).toEqual([r0.id, r1.id].sort());
  });

  it('writes 2,500 rows across three transactions, each row once', async () => {
    const contacts = Array.from({ length: 2_500 }, (_, i) => ({ phone: `+1646555${String(i).padStart(4, '0')}` }));
    const res = await bulk({ contacts });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ created: 2_500, updated: 0, rejected: 0 });
    const ids = new Set(res.json().results.map((r: { id: string }) => r.id));
    expect(ids.size).toBe(2_500);
  });

  it('refuses more than 10,000 rows, an empty request and an unknown list_id as a whole with 400', async () => {
    const tooMany = await bulk({ contacts: Array.from({ length: 10_001 }, () => ({ phone: '+16465550000' })) });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors[0].path).toBe('contacts');
    expect((await bulk({ contacts: [] })).statusCode).toBe(400);
    const badList = await bulk({ contacts: [{ phone: '+16465559999' }], list_ids: ['lst_nope'] });
    expect(badList.statusCode).toBe(400);
    expect(badList.json().errors).toEqual([{ path: 'list_ids.0', message: "no contact list with id 'lst_nope'" }]);
    expect(await storedByPhone('+16465559999')).toBeUndefined();
  });

  it('replays a bulk request with the same Idempotency-Key without writing again', async () => {
    const headers = { 'idempotency-key': 'bulk-1' };
    const payload = { contacts: [{ phone: '+17185550100' }] };
    const first = await bulk(payload, headers);
    const again = await bulk(payload, headers);
    expect(first.json().created).toBe(1);
    expect(again.headers['x-idempotent-replay']).toBe('true');
    expect(again.json()).toEqual(first.json());
  });
});
