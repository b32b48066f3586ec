import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

function expectFieldError(res: LightMyRequestResponse, path: string): void {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json().code).toBe('validation_error');
  expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
}

describe.each(testBackends())('personas API on %s', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const req = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    key = t.testKey,
    headers = {},
  ) => t.request({ method, url, key, headers, ...(payload ? { payload } : {}) });
  const created = async (payload: object, key = t.testKey) => {
    const res = await req('POST', '/v1/personas', payload, key);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const storedRow = (id: string) =>
    t.platform.db.kysely.selectFrom('personas').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const count = async () => (await t.platform.db.kysely.selectFrom('personas').select('id').execute()).length;

  it('creates a persona with every field, and reads it back the same', async () => {
    const body = await created({
      name: 'Front desk (Spanish)',
      caller_name: 'Lucía',
      company: 'Acme Dental',
      role: 'scheduling assistant',
      voice: 'es-MX-female-1',
      language: 'es-MX',
      default_rules: ['Speak Spanish unless asked otherwise.', 'Never discuss prices.'],
    });
    expect(Object.keys(body)).toEqual([
      'id',
      'object',
      'name',
      'caller_name',
      'company',
      'role',
      'voice',
      'language',
      'default_rules',
      'created_at',
      'updated_at',
    ]);
    expect(body).toMatchObject({
      id: expect.stringMatching(/^per_[0-9A-HJKMNP-TV-Z]{26}$/),
      object: 'persona',
      caller_name: 'Lucía',
    });
    expect((await req('GET', `/v1/personas/${body.id}`)).json()).toEqual(body);
  });

  it('fills defaults for optional fields: null, and no rules', async () => {
    const body = await created({ name: 'Minimal', caller_name: 'Alex' });
    expect(body).toMatchObject({ company: null, role: null, voice: null, language: null, default_rules: [] });
  });

  it('refuses invalid personas with per-field errors and stores nothing', async () => {
    const before = await count();
    expectFieldError(await req('POST', '/v1/personas', { name: 'No caller name' }), 'caller_name');
    expectFieldError(await req('POST', '/v1/personas', { name: ' ', caller_name: 'A' }), 'name');
    expectFieldError(
      await req('POST', '/v1/personas', { name: 'x', caller_name: 'A', language: 'english!' }),
      'language',
    );
    expectFieldError(
      await req('POST', '/v1/personas', { name: 'x', caller_name: 'A', default_rules: ['ok', ''] }),
      'default_rules.1',
    );
    expectFieldError(await req('POST', '/v1/personas', { name: 'x', caller_name: 'A', voice: 7 }), 'voice');
    const unknown = await req('POST', '/v1/personas', { name: 'x', caller_name: 'A', mood: 'sunny' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('mood');
    expect(await count()).toBe(before);
  });

  it('PATCH replaces the fields sent, clears with null, keeps the rest, and validates', async () => {
    const p = await created({ name: 'Patchy', caller_name: 'Sam', company: 'Globex', role: 'assistant' });
    const res = await req('PATCH', `/v1/personas/${p.id}`, { caller_name: 'Samira', company: null });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ...p, caller_name: 'Samira', company: null, updated_at: expect.any(String) });
    const before = await storedRow(p.id);
    expectFieldError(await req('PATCH', `/v1/personas/${p.id}`, { caller_name: null }), 'caller_name');
    expectFieldError(await req('PATCH', `/v1/personas/${p.id}`, { name: '' }), 'name');
    expect(await storedRow(p.id)).toEqual(before);
  });

  it('deletes softly: 404 afterwards to GET, PATCH and DELETE, gone from the list, row kept', async () => {
    const p = await created({ name: 'Doomed', caller_name: 'D' });
    expect((await req('DELETE', `/v1/personas/${p.id}`)).json()).toEqual({
      id: p.id,
      object: 'persona',
      deleted: true,
    });
    for (const res of [
      await req('GET', `/v1/personas/${p.id}`),
      await req('PATCH', `/v1/personas/${p.id}`, { name: 'Zombie' }),
      await req('DELETE', `/v1/personas/${p.id}`),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('not_found');
    }
    const ids = (await req('GET', '/v1/personas?limit=100')).json().data.map((x: { id: string }) => x.id);
    expect(ids).not.toContain(p.id);
    expect((await storedRow(p.id)).deleted_at).not.toBeNull();
  });

  it('lists newest first and pages without skipping or repeating', async () => {
    const other = await t.createTenant('Persona lister');
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await created({ name: `P${i}`, caller_name: 'A' }, other.testKey)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await req(
        'GET',
        `/v1/personas?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        undefined,
        other.testKey,
      );
      const body = res.json();
      expect(body.object).toBe('list');
      seen.push(...body.data.map((x: { id: string }) => x.id));
      cursor = body.next_cursor;
      expect(body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual(made.reverse());
    expectFieldError(await req('GET', '/v1/personas?limit=0'), 'limit');
  });

  it("answers 404 to another tenant's persona and changes nothing; both modes of the owner see it", async () => {
    const other = await t.createTenant('Persona snoop');
    const p = await created({ name: 'Private', caller_name: 'Secretive Sue' });
    const before = await storedRow(p.id);
    for (const key of [other.testKey, other.liveKey]) {
      for (const res of [
        await req('GET', `/v1/personas/${p.id}`, undefined, key),
        await req('PATCH', `/v1/personas/${p.id}`, { name: 'Hijacked' }, key),
        await req('DELETE', `/v1/personas/${p.id}`, undefined, key),
      ]) {
        expect(res.statusCode).toBe(404);
        expect(res.body).not.toContain('Secretive Sue');
      }
      const ids = (await req('GET', '/v1/personas?limit=100', undefined, key))
        .json()
        .data.map((x: { id: string }) => x.id);
      expect(ids).not.toContain(p.id);
    }
    expect(await storedRow(p.id)).toEqual(before);
    expect((await req('GET', `/v1/personas/${p.id}`, undefined, t.liveKey)).statusCode).toBe(200);
  });

  it('honours Idempotency-Key on create, update and delete', async () => {
    const headers = { 'idempotency-key': `per-${backend}` };
    const first = await req('POST', '/v1/personas', { name: 'Once', caller_name: 'O' }, t.testKey, headers);
    const before = await count();
    const again = await req('POST', '/v1/personas', { name: 'Once', caller_name: 'O' }, t.testKey, headers);
    expect(again.headers['x-idempotent-replay']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await count()).toBe(before);
    const reuse = await req('POST', '/v1/personas', { name: 'Other', caller_name: 'O' }, t.testKey, headers);
    expect(reuse.json().code).toBe('idempotency_key_reuse');

    const id = first.json().id;
    const patchHeaders = { 'idempotency-key': `per-patch-${backend}` };
    const p1 = await req('PATCH', `/v1/personas/${id}`, { role: 'agent' }, t.testKey, patchHeaders);
    const p2 = await req('PATCH', `/v1/personas/${id}`, { role: 'agent' }, t.testKey, patchHeaders);
    expect(p2.headers['x-idempotent-replay']).toBe('true');
    expect(p2.json()).toEqual(p1.json());
    const delHeaders = { 'idempotency-key': `per-del-${backend}` };
    expect((await req('DELETE', `/v1/personas/${id}`, undefined, t.testKey, delHeaders)).statusCode).toBe(200);
    // Without the key the second DELETE would be a 404; with it, the first answer is replayed.
    const d2 = await req('DELETE', `/v1/personas/${id}`, undefined, t.testKey, delHeaders);
    expect(d2.statusCode).toBe(200);
    expect(d2.headers['x-idempotent-replay']).toBe('true');
  });

  it('needs personas:read to read and personas:write to change', async () => {
    const key = (await req('POST', '/v1/auth/api-keys', { name: 'per read', scopes: ['personas:read'] })).json().secret;
    expect((await req('GET', '/v1/personas', undefined, key)).statusCode).toBe(200);
    const denied = await req('POST', '/v1/personas', { name: 'x', caller_name: 'y' }, key);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().required_scope).toBe('personas:write');
  });
});
