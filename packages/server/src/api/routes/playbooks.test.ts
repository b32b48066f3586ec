import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_IDS, findBuiltin } from '../../playbooks/builtin.js';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

function expectFieldError(res: LightMyRequestResponse, path: string): { path: string; message: string } {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json().code).toBe('validation_error');
  const entry = (res.json().errors ?? []).find((e: { path: string }) => e.path === path);
  expect(entry, `no error at '${path}' in ${res.body}`).toBeDefined();
  return entry;
}

describe.each(testBackends())('playbooks API on %s', (backend) => {
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
    const res = await req('POST', '/v1/playbooks', payload, key);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const storedRow = (id: string) =>
    t.platform.db.kysely.selectFrom('playbooks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('creates a playbook from scratch, with empty defaults for what it leaves out', async () => {
    const body = await created({ name: 'Wine orders', strategy: 'Take the order, confirm the delivery day.' });
    expect(body).toEqual({
      id: expect.stringMatching(/^pbk_[0-9A-HJKMNP-TV-Z]{26}$/),
      object: 'playbook',
      name: 'Wine orders',
      description: null,
      base: null,
      builtin: false,
      strategy: 'Take the order, confirm the delivery day.',
      behavior_rules: [],
      extraction_schema: null,
      success_criteria: [],
      voice_tone: null,
      inherited: [],
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect((await req('GET', `/v1/playbooks/${body.id}`)).json()).toEqual(body);
  });

  it('forks a built-in with base: fields left out are read from the base, fields given override it', async () => {
    const base = findBuiltin('platform.negotiation');
    const fork = await created({
      name: 'Bill haggler',
      base: 'platform.negotiation',
      voice_tone: 'Cheerful and stubborn.',
    });
    expect(fork).toMatchObject({
      base: 'platform.negotiation',
      strategy: base?.strategy,
      behavior_rules: base?.behavior_rules,
      extraction_schema: base?.extraction_schema,
      success_criteria: base?.success_criteria,
      voice_tone: 'Cheerful and stubborn.',
      inherited: ['strategy', 'behavior_rules', 'extraction_schema', 'success_criteria'],
    });
    // Inherited at read time: the row stores only the override.
    const row = await storedRow(fork.id);
    expect(row.strategy).toBeNull();
    expect(row.voice_tone).toBe('Cheerful and stubborn.');

    // PATCH with a value overrides; null hands the field back to the base.
    const patched = (
      await req('PATCH', `/v1/playbooks/${fork.id}`, { strategy: 'Ask for a retention offer.', voice_tone: null })
    ).json();
    expect(patched.strategy).toBe('Ask for a retention offer.');
    expect(patched.voice_tone).toBe(base?.voice_tone);
    expect(patched.inherited).toEqual(['behavior_rules', 'extraction_schema', 'success_criteria', 'voice_tone']);
  });

  it('refuses invalid playbooks with per-field errors and stores nothing', async () => {
    const count = async () => (await t.platform.db.kysely.selectFrom('playbooks').select('id').execute()).length;
    const before = await count();
    expect(expectFieldError(await req('POST', '/v1/playbooks', { name: 'No plan' }), 'strategy').message).toContain(
      'base',
    );
    expect(
      expectFieldError(await req('POST', '/v1/playbooks', { name: 'x', base: 'platform.nope' }), 'base').message,
    ).toContain('platform.general');
    expectFieldError(
      await req('POST', '/v1/playbooks', { name: 'x', base: 'platform.general', behavior_rules: [''] }),
      'behavior_rules.0',
    );
    expectFieldError(
      await req('POST', '/v1/playbooks', { name: 'x', base: 'platform.general', extraction_schema: { type: 'array' } }),
      'extraction_schema',
    );
    expectFieldError(await req('POST', '/v1/playbooks', { name: '', strategy: 's' }), 'name');
    expect((await req('POST', '/v1/playbooks', { name: 'x', strategy: 's', colour: 1 })).statusCode).toBe(400);
    expect(await count()).toBe(before);

    // A PATCH that would leave neither base nor strategy is refused as a whole.
    const fork = await created({ name: 'Fork', base: 'platform.general' });
    expectFieldError(await req('PATCH', `/v1/playbooks/${fork.id}`, { base: null }), 'strategy');
    expect((await storedRow(fork.id)).base).toBe('platform.general');
  });

  it('reads the nine built-ins by name and refuses to change or delete them with 409 playbook_read_only', async () => {
    for (const id of BUILTIN_IDS) {
      const res = await req('GET', `/v1/playbooks/${id}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id, builtin: true, base: null, created_at: null, inherited: [] });
    }
    for (const res of [
      await req('PATCH', '/v1/playbooks/platform.general', { name: 'Mine now' }),
      await req('DELETE', '/v1/playbooks/platform.general'),
    ]) {
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('playbook_read_only');
      expect(res.json().detail).toContain('"base": "platform.general"');
    }
    for (const res of [
      await req('GET', '/v1/playbooks/platform.nope'),
      await req('PATCH', '/v1/playbooks/platform.nope', { name: 'x' }),
      await req('DELETE', '/v1/playbooks/platform.nope'),
    ]) {
      expect(res.statusCode).toBe(404);
    }
  });

  it('lists the tenant\u2019s playbooks newest first, then the built-ins, paging on one cursor', async () => {
    const other = await t.createTenant('Playbook lister');
    const mine = [];
    for (let i = 0; i < 4; i++) mine.push(await created({ name: `P${i}`, base: 'platform.general' }, other.testKey));
    const expected = [...mine.reverse().map((p) => p.id), ...BUILTIN_IDS];
    for (const limit of [1, 3, 4, 5, 13, 100]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await req(
          'GET',
          `/v1/playbooks?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
          undefined,
          other.testKey,
        );
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.data.length).toBeLessThanOrEqual(limit);
        seen.push(...body.data.map((p: { id: string }) => p.id));
        cursor = body.next_cursor;
        expect(body.has_more).toBe(cursor !== null);
      } while (cursor);
      expect(seen, `limit ${limit}`).toEqual(expected);
    }
  });

  it("answers 404 to another tenant's playbook on GET, PATCH and DELETE, and keeps it out of their list", async () => {
    const other = await t.createTenant('Playbook snoop');
    const mine = await created({ name: 'Secret sauce', strategy: 'Our secret approach.' });
    const before = await storedRow(mine.id);
    for (const key of [other.testKey, other.liveKey]) {
      for (const res of [
        await req('GET', `/v1/playbooks/${mine.id}`, undefined, key),
        await req('PATCH', `/v1/playbooks/${mine.id}`, { name: 'Hijacked' }, key),
        await req('DELETE', `/v1/playbooks/${mine.id}`, undefined, key),
      ]) {
        expect(res.statusCode).toBe(404);
        expect(res.body).not.toContain('secret approach');
      }
      const listed = (await req('GET', '/v1/playbooks?limit=100', undefined, key)).json();
      expect(listed.data.map((p: { id: string }) => p.id)).not.toContain(mine.id);
    }
    expect(await storedRow(mine.id)).toEqual(before);
    // Configuration is shared by both modes of the owner.
    expect((await req('GET', `/v1/playbooks/${mine.id}`, undefined, t.liveKey)).statusCode).toBe(200);
  });

  it('deletes a playbook softly: 404 afterwards, gone from the list, row kept', async () => {
    const p = await created({ name: 'Doomed', strategy: 's' });
    const res = await req('DELETE', `/v1/playbooks/${p.id}`);
    expect(res.json()).toEqual({ id: p.id, object: 'playbook', deleted: true });
    expect((await req('GET', `/v1/playbooks/${p.id}`)).statusCode).toBe(404);
    expect((await req('DELETE', `/v1/playbooks/${p.id}`)).statusCode).toBe(404);
    expect((await storedRow(p.id)).deleted_at).not.toBeNull();
  });

  it('honours Idempotency-Key on create: a retry replays, another body is 409', async () => {
    const headers = { 'idempotency-key': `pbk-${backend}` };
    const first = await req('POST', '/v1/playbooks', { name: 'Once', strategy: 's' }, t.testKey, headers);
    const again = await req('POST', '/v1/playbooks', { name: 'Once', strategy: 's' }, t.testKey, headers);
    expect(again.headers['x-idempotent-replay']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const rows = await t.platform.db.kysely.selectFrom('playbooks').select('id').where('name', '=', 'Once').execute();
    expect(rows).toHaveLength(1);
    expect((await req('POST', '/v1/playbooks', { name: 'Twice', strategy: 's' }, t.testKey, headers)).statusCode).toBe(
      409,
    );
  });

  it('classifies an objective into a built-in playbook with its confidence and alternatives', async () => {
    const res = await req('POST', '/v1/playbooks/classify', {
      objective: 'Dispute a double charge and ask for a refund',
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ playbook: 'platform.complaint', method: 'keywords' });
    expect(body.confidence).toBeGreaterThan(0.5);
    expect(body.confidence).toBeLessThanOrEqual(1);
    for (const alt of body.alternatives) expect(alt.confidence).toBeLessThan(body.confidence);
    expectFieldError(await req('POST', '/v1/playbooks/classify', { objective: '  ' }), 'objective');
    expectFieldError(await req('POST', '/v1/playbooks/classify', {}), 'objective');
  });

  it('needs playbooks:read to read and classify, and playbooks:write to change', async () => {
    const key = (await req('POST', '/v1/auth/api-keys', { name: 'pb read', scopes: ['playbooks:read'] })).json().secret;
    expect((await req('GET', '/v1/playbooks', undefined, key)).statusCode).toBe(200);
    expect((await req('POST', '/v1/playbooks/classify', { objective: 'book a table' }, key)).statusCode).toBe(200);
    const denied = await req('POST', '/v1/playbooks', { name: 'x', strategy: 's' }, key);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().required_scope).toBe('playbooks:write');
  });
});
