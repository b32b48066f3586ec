import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dncNumbersAmong, isOnDnc } from '../../compliance/dnc-list.js';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(testBackends())('do-not-call list API on %s', (backend) => {
  let t: TestPlatform;
  let tenant: { tenantId: string; testKey: string; liveKey: string };

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    tenant = await t.createTenant('DNC');
  });
  afterAll(async () => {
    await t?.close();
  });

  const req = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, key = tenant.testKey) =>
    t.request({ method, url, key, ...(payload ? { payload } : {}) });
  const importText = (body: string, query = '', key = tenant.testKey) =>
    t.request({
      method: 'POST',
      url: `/v1/dnc/import${query}`,
      key,
      payload: body,
      headers: { 'content-type': 'text/plain' },
    });

  it('adds a number in national form, answers it as E.164, and the gate sees it in both modes', async () => {
    const res = await req('POST', '/v1/dnc', { phone: '(617) 555-0100', reason: 'asked by email' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({
      id: '+16175550100',
      object: 'dnc_entry',
      phone: '+16175550100',
      source: 'api',
      reason: 'asked by email',
      created_at: expect.stringMatching(ISO),
    });
    // Shared by both modes: the live key sees the entry the test key made.
    const live = await req('GET', '/v1/dnc/%2B16175550100', undefined, tenant.liveKey);
    expect(live.json()).toEqual(res.json());
    expect(await isOnDnc(t.platform.db.kysely, tenant.tenantId, '+16175550100')).toBe(true);
    expect(await isOnDnc(t.platform.db.kysely, tenant.tenantId, '+16175550101')).toBe(false);

    const again = await req('POST', '/v1/dnc', { phone: '+16175550100', source: 'call' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(res.json());
  });

  it('answers 400 with per-field errors for a bad number or source', async () => {
    const res = await req('POST', '/v1/dnc', { phone: 'nope', source: 'rumour' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain('source');
    const bad = await req('POST', '/v1/dnc', { phone: '+1 999 999 9999' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('phone');
    expect((await req('GET', '/v1/dnc/garbage')).statusCode).toBe(400);
  });

  it('DELETE takes the number URL-encoded or in national form; then it is 404', async () => {
    await req('POST', '/v1/dnc', { phone: '+16175550110' });
    await req('POST', '/v1/dnc', { phone: '+16175550111' });
    expect((await req('DELETE', '/v1/dnc/%2B16175550110')).json()).toEqual({
      id: '+16175550110',
      object: 'dnc_entry',
      deleted: true,
    });
    expect((await req('DELETE', '/v1/dnc/617-555-0111')).statusCode).toBe(200);
    expect((await req('DELETE', '/v1/dnc/617-555-0111')).statusCode).toBe(404);
    expect((await req('GET', '/v1/dnc/%2B16175550110')).statusCode).toBe(404);
    expect(await isOnDnc(t.platform.db.kysely, tenant.tenantId, '+16175550110')).toBe(false);
  });

  it('imports the National DNC Registry flat file: ten digits or area code, number', async () => {
    const file = ['2125550100', '212,5550101', '212, 5550102', '', '2125550100', '12', '+1 212 555 0103'].join('\r\n');
    const res = await importText(file, '?source=registry');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      object: 'dnc_import',
      total_lines: 6,
      added: 4,
      already_present: 1,
      rejected_count: 1,
      rejected: [{ line: 6, reason: expect.stringContaining("'12'") }],
    });
    const found = await dncNumbersAmong(t.platform.db.kysely, tenant.tenantId, [
      '+12125550100',
      '+12125550101',
      '+12125550102',
      '+12125550103',
      '+12125550199',
    ]);
    expect([...found].sort()).toEqual(['+12125550100', '+12125550101', '+12125550102', '+12125550103']);
    const entry = (await req('GET', '/v1/dnc/%2B12125550101')).json();
    expect(entry.source).toBe('registry');
  });

  it('imports a text file with a header, notes after a comma, and numbers already present', async () => {
    await req('POST', '/v1/dnc', { phone: '+16175550120' });
    const res = await importText('\uFEFFphone\n+16175550120\n+16175550121,asked during call\n617 555 0122\n');
    expect(res.json()).toMatchObject({ total_lines: 3, added: 2, already_present: 1, rejected_count: 0 });
    expect((await req('GET', '/v1/dnc/%2B16175550121')).json().source).toBe('import');
  });

  it('pages through entries newest first and refuses a cursor it did not make', async () => {
    const other = await t.createTenant('DNC pager');
    for (let i = 0; i < 3; i++) await req('POST', '/v1/dnc', { phone: `+1617555013${i}` }, other.testKey);
    const p1 = (await req('GET', '/v1/dnc?limit=2', undefined, other.testKey)).json();
    expect(p1.data.map((e: { phone: string }) => e.phone)).toEqual(['+16175550132', '+16175550131']);
    const p2 = (await req('GET', `/v1/dnc?limit=2&cursor=${p1.next_cursor}`, undefined, other.testKey)).json();
    expect(p2).toMatchObject({ has_more: false, data: [{ phone: '+16175550130' }] });
    const forged = Buffer.from('c1:abc').toString('base64url');
    const bad = await req('GET', `/v1/dnc?cursor=${forged}`, undefined, other.testKey);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_cursor');
  });

  it("keeps tenants apart: another tenant's entry is 404 and not on its list", async () => {
    const other = await t.createTenant('DNC other');
    await req('POST', '/v1/dnc', { phone: '+16175550140' });
    expect((await req('GET', '/v1/dnc/%2B16175550140', undefined, other.testKey)).statusCode).toBe(404);
    expect((await req('DELETE', '/v1/dnc/%2B16175550140', undefined, other.testKey)).statusCode).toBe(404);
    expect(await isOnDnc(t.platform.db.kysely, other.tenantId, '+16175550140')).toBe(false);
    expect((await req('GET', '/v1/dnc/%2B16175550140')).statusCode).toBe(200);
  });

  it('replays an add with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'dnc-1' };
    const payload = { phone: '+16175550150' };
    const a = await t.request({ method: 'POST', url: '/v1/dnc', key: tenant.testKey, payload, headers });
    const b = await t.request({ method: 'POST', url: '/v1/dnc', key: tenant.testKey, payload, headers });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.headers['x-idempotent-replay']).toBe('true');
  });
});
