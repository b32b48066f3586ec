import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSandboxRangeNumber } from '../../carriers/sandbox/numbers.js';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

/** Every field of the phone number object, in the order the API answers them. */
const NUMBER_FIELDS = [
  'id',
  'object',
  'livemode',
  'phone_number',
  'name',
  'country',
  'carrier',
  'capabilities',
  'verified',
  'attestation',
  'is_default',
  'inbound_agent_id',
  'verification',
  'created_at',
  'updated_at',
];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function expectFieldError(res: LightMyRequestResponse, path: string): { path: string; message: string } {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json().code).toBe('validation_error');
  const entry = (res.json().errors ?? []).find((e: { path: string }) => e.path === path);
  expect(entry, `no error at '${path}' in ${res.body}`).toBeDefined();
  return entry;
}

describe.each(testBackends())('phone numbers API: provision, list, get, update, delete on %s', (backend) => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const provision = (payload: unknown, key = t.testKey, headers: Record<string, string> = {}) =>
    t.request({ method: 'POST', url: '/v1/phone-numbers/provision', key, payload: payload as object, headers });
  const provisioned = async (payload: unknown = { country: 'US' }, key = t.testKey) => {
    const res = await provision(payload, key);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const get = (id: string, key = t.testKey) => t.request({ method: 'GET', url: `/v1/phone-numbers/${id}`, key });
  const patch = (id: string, payload: unknown, key = t.testKey) =>
    t.request({ method: 'PATCH', url: `/v1/phone-numbers/${id}`, key, payload: payload as object });
  const remove = (id: string, key = t.testKey) => t.request({ method: 'DELETE', url: `/v1/phone-numbers/${id}`, key });
  const list = (query = '', key = t.testKey) => t.request({ method: 'GET', url: `/v1/phone-numbers${query}`, key });
  const listAll = async (key: string) => (await list('?limit=100', key)).json().data as Array<{ id: string }>;

  it('a new tenant starts with one verified sandbox number in test mode and none in live mode', async () => {
    const other = await t.createTenant('Starter');
    const res = await list('', other.testKey);
    expect(res.statusCode).toBe(200);
    const { data, has_more } = res.json();
    expect(has_more).toBe(false);
    expect(data).toHaveLength(1);
    const [starter] = data;
    expect(Object.keys(starter)).toEqual(NUMBER_FIELDS);
    expect(starter).toMatchObject({
      object: 'phone_number',
      livemode: false,
      name: 'Sandbox number',
      country: 'US',
      carrier: 'sandbox',
      capabilities: { voice: true, sms: true },
      verified: true,
      attestation: 'A',
      is_default: false,
      inbound_agent_id: null,
      verification: null,
    });
    expect(isSandboxRangeNumber(starter.phone_number)).toBe(true);
    expect((await list('', other.liveKey)).json().data).toEqual([]);
    // The bootstrap tenant got one too.
    expect((await listAll(t.testKey)).length).toBeGreaterThanOrEqual(1);
  });

  it('provisions a sandbox number instantly: verified, attestation A, from the sandbox range', async () => {
    const res = await provision({ country: 'us', area_code: '500', name: 'Support line' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(Object.keys(body)).toEqual(NUMBER_FIELDS);
    expect(body).toEqual({
      id: expect.stringMatching(/^num_[0-9A-HJKMNP-TV-Z]{26}$/),
      object: 'phone_number',
      livemode: false,
      phone_number: expect.stringMatching(/^\+15005551\d{3}$|^\+1500555[2-9]\d{3}$/),
      name: 'Support line',
      country: 'US',
      carrier: 'sandbox',
      capabilities: { voice: true, sms: true },
      verified: true,
      attestation: 'A',
      is_default: false,
      inbound_agent_id: null,
      verification: null,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });
    expect(isSandboxRangeNumber(body.phone_number)).toBe(true);
    expect((await get(body.id)).json()).toEqual(body);
    expect(res.headers['x-ratelimit-limit']).toBe('1000'); // the dial class: 10/min live × 100 in test mode
  });

  it('refuses bad provisioning input with 400 at the field, and writes nothing', async () => {
    const before = (await listAll(t.testKey)).length;
    expectFieldError(await provision({}), 'country');
    expectFieldError(await provision({ country: 'USA' }), 'country');
    expectFieldError(await provision({ country: 'US', area_code: 'abc' }), 'area_code');
    expectFieldError(await provision({ country: 'US', extra: 1 }), '');
    const gb = expectFieldError(await provision({ country: 'GB' }), 'country');
    expect(gb.message).toContain('US and CA');
    const area = expectFieldError(await provision({ country: 'US', area_code: '415' }), 'area_code');
    expect(area.message).toContain('500');
    const carrier = expectFieldError(await provision({ country: 'US', carrier: 'twilio' }), 'carrier');
    expect(carrier.message).toContain("'sandbox'");
    expect((await listAll(t.testKey)).length).toBe(before);
  });

  it('live mode answers 503 carrier_unavailable naming the settings that configure a carrier', async () => {
    for (const res of [
      await provision({ country: 'US' }, t.liveKey),
      await provision({ country: 'US', carrier: 'sandbox' }, t.liveKey),
      await t.request({
        method: 'POST',
        url: '/v1/phone-numbers/verify',
        key: t.liveKey,
        payload: { phone_number: '+14155550123' },
      }),
    ]) {
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().code).toBe('carrier_unavailable');
      expect(res.json().detail).toContain('TWILIO_ACCOUNT_SID');
      expect(res.json().detail).toContain('TELNYX_API_KEY');
    }
    expect(await listAll(t.liveKey)).toEqual([]);
  });

  it("another tenant's number and the other mode's number are 404 to every route", async () => {
    const mine = await provisioned();
    const other = await t.createTenant('Snoop');
    const urls = [
      ['GET', `/v1/phone-numbers/${mine.id}`],
      ['PATCH', `/v1/phone-numbers/${mine.id}`],
      ['DELETE', `/v1/phone-numbers/${mine.id}`],
      ['POST', `/v1/phone-numbers/${mine.id}/verify/confirm`],
      ['GET', `/v1/phone-numbers/${mine.id}/verify/sandbox-delivery`],
    ] as const;
    for (const key of [other.testKey, other.liveKey, t.liveKey]) {
      for (const [method, url] of urls) {
        const payload = method === 'PATCH' ? { name: 'x' } : method === 'POST' ? { code: '123456' } : undefined;
        const res = await t.request({ method, url, key, ...(payload ? { payload } : {}) });
        if ((key === t.liveKey || key === other.liveKey) && url.endsWith('sandbox-delivery')) {
          expect(res.statusCode).toBe(400);
          continue;
        }
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(404);
        expect(res.json().code).toBe('not_found');
      }
      expect((await listAll(key)).map((n) => n.id)).not.toContain(mine.id);
    }
    expect((await get(mine.id)).json()).toEqual(mine);
  });

  it('pages through the list newest first without skipping or repeating', async () => {
    const other = await t.createTenant('Pager');
    const made = [];
    for (let i = 0; i < 4; i++) made.push(await provisioned({ country: 'US', name: `n${i}` }, other.testKey));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`, other.testKey);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.data.length).toBeLessThanOrEqual(2);
      seen.push(...body.data.map((n: { id: string }) => n.id));
      cursor = body.next_cursor;
      expect(body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toHaveLength(5); // the starter number and four provisioned
    expect(seen.slice(0, 4)).toEqual(made.map((n) => n.id).reverse());
    expect(new Set(seen).size).toBe(5);
    const bogus = await list('?cursor=bogus', other.testKey);
    expect(bogus.statusCode).toBe(400);
    expect(bogus.json().code).toBe('invalid_cursor');
    expectFieldError(await list('?limit=0', other.testKey), 'limit');
  });

  it('replays a provision with the same Idempotency-Key instead of buying a second number', async () => {
    const other = await t.createTenant('Idem');
    const headers = { 'idempotency-key': 'provision-once' };
    const first = await provision({ country: 'US' }, other.testKey, headers);
    const again = await provision({ country: 'US' }, other.testKey, headers);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await listAll(other.testKey)).toHaveLength(2);
    const reused = await provision({ country: 'CA' }, other.testKey, headers);
    expect(reused.statusCode).toBe(409);
  });

  it('PATCH sets name and inbound_agent_id, clears them with null, and leaves the rest', async () => {
    const number = await provisioned({ country: 'US', name: 'Before' });
    const agent = (
      await t.request({ method: 'POST', url: '/v1/agents', key: t.testKey, payload: { name: 'Receptionist' } })
    ).json();
    const res = await patch(number.id, { name: 'Front desk', inbound_agent_id: agent.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      ...number,
      name: 'Front desk',
      inbound_agent_id: agent.id,
      updated_at: expect.stringMatching(ISO),
    });
    expect((await get(number.id)).json()).toEqual(res.json());
    const cleared = (await patch(number.id, { name: null, inbound_agent_id: null })).json();
    expect(cleared).toMatchObject({ name: null, inbound_agent_id: null, phone_number: number.phone_number });
  });

  it('PATCH refuses an agent that is not the tenant’s, a deleted agent, and malformed fields, changing nothing', async () => {
    const number = await provisioned({ country: 'US', name: 'Keep' });
    const other = await t.createTenant('Agent owner');
    const foreign = (
      await t.request({ method: 'POST', url: '/v1/agents', key: other.testKey, payload: { name: 'Theirs' } })
    ).json();
    const gone = (
      await t.request({ method: 'POST', url: '/v1/agents', key: t.testKey, payload: { name: 'Gone' } })
    ).json();
    await t.request({ method: 'DELETE', url: `/v1/agents/${gone.id}`, key: t.testKey });
    for (const id of [foreign.id, gone.id, 'agt_01HZZZZZZZZZZZZZZZZZZZZZZZ']) {
      const entry = expectFieldError(
        await patch(number.id, { inbound_agent_id: id, name: 'Changed' }),
        'inbound_agent_id',
      );
      expect(entry.message).toContain(id);
    }
    expectFieldError(await patch(number.id, { name: '  ' }), 'name');
    expectFieldError(await patch(number.id, { is_default: 'yes' }), 'is_default');
    expectFieldError(await patch(number.id, { phone_number: '+15005551000' }), '');
    expect((await get(number.id)).json()).toEqual(number);
  });

  it('is_default is exclusive per tenant and mode: setting it clears the other default', async () => {
    const other = await t.createTenant('Defaults');
    const [starter] = await listAll(other.testKey);
    const second = await provisioned({ country: 'US' }, other.testKey);
    const a = await patch(starter!.id, { is_default: true }, other.testKey);
    expect(a.json().is_default).toBe(true);
    const b = await patch(second.id, { is_default: true }, other.testKey);
    expect(b.json().is_default).toBe(true);
    expect((await get(starter!.id, other.testKey)).json().is_default).toBe(false);
    // Setting the default again on the default changes nothing else.
    expect((await patch(second.id, { is_default: true }, other.testKey)).json().is_default).toBe(true);
    const defaults = (await list('?limit=100', other.testKey))
      .json()
      .data.filter((n: { is_default: boolean }) => n.is_default);
    expect(defaults.map((n: { id: string }) => n.id)).toEqual([second.id]);
    // Unsetting leaves no default.
    expect((await patch(second.id, { is_default: false }, other.testKey)).json().is_default).toBe(false);
    // Another tenant's default is untouched by all this.
    const mineDefault = await provisioned();
    await patch(mineDefault.id, { is_default: true });
    await patch(starter!.id, { is_default: true }, other.testKey);
    expect((await get(mineDefault.id)).json().is_default).toBe(true);
  });

  it('concurrent "make default" requests leave exactly one default', async () => {
    const other = await t.createTenant('Race');
    const numbers = [];
    for (let i = 0; i < 4; i++) numbers.push(await provisioned({ country: 'US' }, other.testKey));
    const results = await Promise.all(numbers.map((n) => patch(n.id, { is_default: true }, other.testKey)));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    const defaults = (await listAll(other.testKey)).filter((n) => (n as { is_default?: boolean }).is_default);
    expect(defaults).toHaveLength(1);
  });

  it('DELETE releases and soft-deletes: then 404 everywhere and gone from the list, row kept', async () => {
    const number = await provisioned();
    await patch(number.id, { is_default: true });
    const res = await remove(number.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ id: number.id, object: 'phone_number', deleted: true });
    for (const after of [await get(number.id), await patch(number.id, { name: 'Zombie' }), await remove(number.id)]) {
      expect(after.statusCode).toBe(404);
    }
    expect((await listAll(t.testKey)).map((n) => n.id)).not.toContain(number.id);
    const row = await t.platform.db.kysely
      .selectFrom('phone_numbers')
      .selectAll()
      .where('id', '=', number.id)
      .executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    expect(row.is_default).toBe(false);
    // The same number can be held again once released.
    expect(row.phone_number).toBe(number.phone_number);
  });

  it('needs numbers:read to list and numbers:write to provision', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/v1/auth/api-keys',
      key: t.testKey,
      payload: { name: 'read only', scopes: ['numbers:read'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const readOnly = created.json().secret;
    expect((await list('', readOnly)).statusCode).toBe(200);
    const denied = await provision({ country: 'US' }, readOnly);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().detail).toContain('numbers:write');
  });
});
