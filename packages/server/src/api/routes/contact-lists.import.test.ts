import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

const MESSY = readFileSync(join(import.meta.dirname, '../../campaigns/fixtures/messy-contacts.csv'));

/** A multipart/form-data body with one file part, as browsers and `curl -F` send it. */
function multipart(file: Buffer, field = 'file'): { payload: Buffer; contentType: string } {
  const boundary = '----callingscout-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nignored\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="contacts.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe.each(testBackends())('contact list CSV import on %s', (backend) => {
  let t: TestPlatform;
  let key: string;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    key = (await t.createTenant('Importer')).testKey;
  });
  afterAll(async () => {
    await t?.close();
  });

  const newList = async (k = key) => {
    const res = await t.request({ method: 'POST', url: '/v1/contact-lists', key: k, payload: { name: 'Import' } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const importCsv = (listId: string, body: Buffer | string, contentType = 'text/csv', headers = {}) =>
    t.request({
      method: 'POST',
      url: `/v1/contact-lists/${listId}/import`,
      key,
      payload: body,
      headers: { 'content-type': contentType, ...headers },
    });
  const listContacts = async (listId: string) =>
    (await t.request({ method: 'GET', url: `/v1/contact-lists/${listId}/contacts?limit=100`, key })).json().data;

  it('imports a messy real-world file: BOM, CRLF, quoted commas, blank lines, duplicates, bad rows by line', async () => {
    const existing = await t.request({
      method: 'POST',
      url: '/v1/contacts',
      key,
      payload: { phone: '+14155550125', email: 'hal@example.com', tags: ['old'] },
    });
    expect(existing.statusCode).toBe(201);
    const listId = await newList();

    const res = await importCsv(listId, MESSY);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      object: 'import',
      list_id: listId,
      total_rows: 11,
      imported: 4,
      updated: 1,
      duplicates: 1,
      rejected_count: 5,
      rejected: [
        { line: 5, reason: "'bob@example' is not an email address" },
        { line: 6, reason: expect.stringContaining('555-0102') },
        { line: 9, reason: "'Mars/Base' is not an IANA time zone such as America/New_York" },
        { line: 10, reason: 'has 10 cells but the header has 8; quote values that contain commas' },
        { line: 13, reason: "'not a number' is not a phone number" },
      ],
    });

    const byPhone = Object.fromEntries(
      (await listContacts(listId)).map((c: { phone: string }) => [c.phone, c]),
    ) as Record<string, Record<string, unknown>>;
    expect(Object.keys(byPhone).sort()).toEqual(
      ['+12125550100', '+14155550124', '+14155550125', '+14155550126', '+442071838750'].sort(),
    );
    // Line 7 repeats line 2's number: merged, the later row's values winning where it has them.
    expect(byPhone['+12125550100']).toMatchObject({
      name: 'Ada L.',
      email: 'ada@example.com',
      company: 'Engines, Ltd.',
      timezone: 'America/New_York',
      custom_fields: { account_manager: 'Linus', notes: 'duplicate of line 2' },
      list_ids: [listId],
    });
    expect(byPhone['+442071838750']).toMatchObject({ name: 'Alan Turing', timezone: 'Europe/London' });
    expect(byPhone['+14155550124']).toMatchObject({
      name: 'Frank Oz',
      company: 'Muppets, Inc.',
      custom_fields: { notes: 'multi\r\nline note' },
    });
    // An existing contact gains the list and the file's values; empty cells erase nothing.
    expect(byPhone['+14155550125']).toMatchObject({
      id: existing.json().id,
      name: 'Hal',
      email: 'hal@example.com',
      tags: ['old'],
    });
    expect(byPhone['+14155550126']).toMatchObject({ name: 'Ivy', custom_fields: {} });

    const list = await t.request({ method: 'GET', url: `/v1/contact-lists/${listId}`, key });
    expect(list.json().contact_count).toBe(5);
  });

  it('reads the same file sent as multipart/form-data; a second run updates instead of creating', async () => {
    const listId = await newList();
    const { payload, contentType } = multipart(MESSY);
    const res = await importCsv(listId, payload, contentType);
    expect(res.statusCode, res.body).toBe(200);
    // The first test created these contacts: now every valid row is an update.
    expect(res.json()).toMatchObject({ total_rows: 11, imported: 0, updated: 5, duplicates: 1, rejected_count: 5 });
    expect((await listContacts(listId)).length).toBe(5);
  });

  it('counts a number repeated across batches as a duplicate, not an update', async () => {
    const listId = await newList();
    const rows = ['phone,name'];
    for (let i = 0; i < 2_500; i++) rows.push(`+1312555${String(1000 + (i % 2_000)).padStart(4, '0')},Row ${i}`);
    const res = await importCsv(listId, `${rows.join('\n')}\n`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      total_rows: 2_500,
      imported: 2_000,
      updated: 0,
      duplicates: 500,
      rejected_count: 0,
    });
    const list = await t.request({ method: 'GET', url: `/v1/contact-lists/${listId}`, key });
    expect(list.json().contact_count).toBe(2_000);
  });

  it('lists at most 1,000 rejected rows and counts them all', async () => {
    const listId = await newList();
    const rows = ['mobile'];
    for (let i = 0; i < 1_200; i++) rows.push('12');
    const body = (await importCsv(listId, rows.join('\n'))).json();
    expect(body.rejected_count).toBe(1_200);
    expect(body.rejected).toHaveLength(1_000);
    expect(body.rejected[999].line).toBe(1_001);
  });

  it('answers 400 csv_no_phone_column and writes nothing when no header names a phone', async () => {
    const listId = await newList();
    const res = await importCsv(listId, 'name,email\nAda,ada@example.com\n');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('csv_no_phone_column');
    expect(res.json().detail).toContain('phone_number');
    expect(await listContacts(listId)).toEqual([]);
    const empty = await importCsv(listId, '');
    expect(empty.statusCode).toBe(400);
  });

  it('reports an unclosed quote with its line and keeps the rows before it', async () => {
    const listId = await newList();
    const res = await importCsv(listId, 'phone,name\n+14155550140,Ok\n+14155550141,"never closed\n+14155550142,Lost\n');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ imported: 1, rejected_count: 1 });
    expect(res.json().rejected[0].reason).toContain('the rest of the file was not read');
    expect((await listContacts(listId)).map((c: { phone: string }) => c.phone)).toEqual(['+14155550140']);
  });

  it('refuses JSON and other media types with 415', async () => {
    const listId = await newList();
    const res = await importCsv(listId, '{}', 'application/json');
    expect([400, 415]).toContain(res.statusCode);
    const xml = await importCsv(listId, '<a/>', 'application/xml');
    expect(xml.statusCode).toBe(415);
  });

  it("answers 404 for another tenant's list and reads nothing", async () => {
    const other = await t.createTenant('Other importer');
    const theirs = await newList(other.testKey);
    const res = await importCsv(theirs, 'phone\n+14155550150\n');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('not_found');
    const found = await t.platform.db.kysely
      .selectFrom('contacts')
      .select('id')
      .where('phone', '=', '+14155550150')
      .execute();
    expect(found).toEqual([]);
  });

  it('replays an import sent again with the same Idempotency-Key', async () => {
    const listId = await newList();
    const headers = { 'idempotency-key': 'import-1' };
    const first = await importCsv(listId, 'phone\n+14155550160\n', 'text/csv', headers);
    const again = await importCsv(listId, 'phone\n+14155550160\n', 'text/csv', headers);
    expect(first.json().imported).toBe(1);
    expect(again.headers['x-idempotent-replay']).toBe('true');
    expect(again.json()).toEqual(first.json());
  });

  it('documents the media types it reads in the OpenAPI document', async () => {
    const doc = (await t.request({ method: 'GET', url: '/v1/openapi.json' })).json();
    const body = doc.paths['/v1/contact-lists/{id}/import'].post.requestBody;
    expect(Object.keys(body.content)).toEqual(['text/csv', 'application/csv', 'text/plain', 'multipart/form-data']);
  });
});
