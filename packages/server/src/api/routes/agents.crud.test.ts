import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

/** Every field of the agent object, in the order the API answers them. */
const AGENT_FIELDS = [
  'id',
  'object',
  'name',
  'pipeline',
  'stt',
  'llm',
  'tts',
  'realtime',
  'system_prompt',
  'first_message',
  'voicemail',
  'max_duration_sec',
  'silence_timeout_sec',
  'interruptions',
  'calling_hours',
  'extraction_schema',
  'webhook_url',
  'language',
  'is_active',
  'tools',
  'created_at',
  'updated_at',
];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function fieldErrors(res: LightMyRequestResponse): Array<{ path: string; message: string }> {
  return res.json().errors ?? [];
}

/** Asserts a 400 validation error carrying an entry for `path`, and returns that entry. */
function expectFieldError(res: LightMyRequestResponse, path: string): { path: string; message: string } {
  expect(res.statusCode, res.body).toBe(400);
  const body = res.json();
  expect(body.code).toBe('validation_error');
  expect(typeof body.detail).toBe('string');
  const entry = fieldErrors(res).find((e) => e.path === path);
  expect(entry, `no error at '${path}' in ${res.body}`).toBeDefined();
  return entry!;
}

describe.each(testBackends())('agents API: create, read, update, delete on %s', (backend) => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (payload: unknown, key = t.testKey) =>
    t.request({ method: 'POST', url: '/v1/agents', key, payload: payload as object });
  const get = (id: string, key = t.testKey) => t.request({ method: 'GET', url: `/v1/agents/${id}`, key });
  const patch = (id: string, payload: unknown, key = t.testKey) =>
    t.request({ method: 'PATCH', url: `/v1/agents/${id}`, key, payload: payload as object });
  const remove = (id: string, key = t.testKey) => t.request({ method: 'DELETE', url: `/v1/agents/${id}`, key });
  const list = (query = '', key = t.testKey) => t.request({ method: 'GET', url: `/v1/agents${query}`, key });
  const created = async (payload: unknown, key = t.testKey) => {
    const res = await create(payload, key);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const storedRow = (id: string) =>
    t.platform.db.kysely.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const agentCount = async () => {
    const row = await t.platform.db.kysely
      .selectFrom('agents')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  it('creates an agent from a name alone, filling in every documented default', async () => {
    const res = await create({ name: 'Receptionist' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(Object.keys(body)).toEqual(AGENT_FIELDS);
    expect(body).toEqual({
      id: expect.stringMatching(/^agt_[0-9A-HJKMNP-TV-Z]{26}$/),
      object: 'agent',
      name: 'Receptionist',
      pipeline: 'cascaded',
      stt: { provider: 'sandbox' },
      llm: { provider: 'scripted' },
      tts: { provider: 'espeak' },
      realtime: null,
      system_prompt: '',
      first_message: null,
      voicemail: { action: 'hang_up' },
      max_duration_sec: 600,
      silence_timeout_sec: 30,
      interruptions: { enabled: true, min_words: 2 },
      calling_hours: null,
      extraction_schema: null,
      webhook_url: null,
      language: 'en-US',
      is_active: true,
      tools: [],
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });
    expect(body.updated_at).toBe(body.created_at);
  });

  it('fills in the defaults inside nested objects and tools', async () => {
    const body = await created({
      name: 'Nested defaults',
      interruptions: {},
      calling_hours: { start: '09:00', end: '17:30' },
      tools: [
        { type: 'transfer_call', to: '+14155550123' },
        { type: 'http', name: 'lookup', description: 'Look up an order', url: 'https://example.com/orders' },
      ],
    });
    expect(body.interruptions).toEqual({ enabled: true, min_words: 2 });
    expect(body.calling_hours).toEqual({ start: '09:00', end: '17:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'] });
    expect(body.tools).toEqual([
      { type: 'transfer_call', to: '+14155550123', mode: 'cold' },
      {
        type: 'http',
        name: 'lookup',
        description: 'Look up an order',
        url: 'https://example.com/orders',
        parameters: { type: 'object', properties: {} },
        method: 'POST',
        headers: {},
        timeout_ms: 5000,
      },
    ]);
  });

  it('trims the name and refuses one that is empty after trimming', async () => {
    expect((await created({ name: '  Spaced  ' })).name).toBe('Spaced');
    expectFieldError(await create({ name: '   ' }), 'name');
    expectFieldError(await create({}), 'name');
  });

  it('gets an agent by id with exactly the body the create answered', async () => {
    const agent = await created({ name: 'Getter', system_prompt: 'Be brief.', first_message: 'Hello {{name}}' });
    const res = await get(agent.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(agent);
  });

  it('answers 404 not_found for an id that never existed', async () => {
    const res = await get('agt_01HZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({
      code: 'not_found',
      detail: expect.stringContaining('agt_01HZZZZZZZZZZZZZZZZZZZZZZZ'),
    });
  });

  it('lists agents newest first in the list envelope', async () => {
    const other = await t.createTenant('Lister');
    const a = await created({ name: 'First' }, other.testKey);
    const b = await created({ name: 'Second' }, other.testKey);
    const res = await list('', other.testKey);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ object: 'list', data: [b, a], has_more: false, next_cursor: null });
  });

  it('lists each agent byte for byte as GET renders it, from the stored view or, for a row written before views, from its config', async () => {
    const fancy = await created({
      name: 'Zoë "quotes" \\ ☎',
      system_prompt: 'Line one\nline two\u2028 and a tab\t',
      tools: [
        { type: 'end_call' },
        {
          type: 'http',
          name: 'crm',
          description: 'd',
          url: 'https://crm.example/x',
          headers: { Authorization: 'Bearer s3cret' },
        },
      ],
    });
    const plain = await created({ name: 'Plain' });
    // As a row stored before view texts existed: no view, version 0.
    await t.platform.db.kysely
      .updateTable('agents')
      .set({ view: null, view_version: 0 })
      .where('id', '=', plain.id)
      .execute();
    const res = await list('?limit=100');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    // Stored views: the list item is the very text GET answers (and the create answered).
    const fancyGet = await get(fancy.id);
    expect(fancyGet.body).toBe(JSON.stringify(fancy));
    const at = res.body.indexOf(`{"id":"${fancy.id}"`);
    expect(at).toBeGreaterThan(0);
    expect(res.body.slice(at, at + fancyGet.body.length)).toBe(fancyGet.body);
    // The row without a view is rendered from its config: the same object, fields in the documented order.
    const item = res.json().data.find((a: { id: string }) => a.id === plain.id);
    expect(item).toEqual(plain);
    expect(Object.keys(item)).toEqual(AGENT_FIELDS);
    expect((await get(plain.id)).json()).toEqual(plain);
    // Its next write stores a view again.
    await patch(plain.id, { name: 'Plain again' });
    expect((await storedRow(plain.id)).view).toContain('"name":"Plain again"');
    expect(res.body).not.toContain('s3cret');
    expect(Object.keys(res.json())).toEqual(['object', 'data', 'has_more', 'next_cursor']);
  });

  it('PATCH replaces the fields sent and leaves every other field as it was, not reset to defaults', async () => {
    const agent = await created({
      name: 'Before',
      system_prompt: 'You book tables.',
      first_message: 'Hi!',
      max_duration_sec: 120,
      silence_timeout_sec: 9,
      interruptions: { enabled: false, min_words: 5 },
      calling_hours: { start: '10:00', end: '16:00', days: ['sat'] },
      voicemail: { action: 'leave_message', message: 'Call us back' },
      webhook_url: 'https://example.com/hook',
      language: 'de-DE',
      is_active: false,
      tools: [{ type: 'end_call' }],
    });
    const res = await patch(agent.id, { name: 'After' });
    expect(res.statusCode, res.body).toBe(200);
    const updated = res.json();
    expect(updated).toEqual({ ...agent, name: 'After', updated_at: expect.stringMatching(ISO) });
    expect(Date.parse(updated.updated_at)).toBeGreaterThanOrEqual(Date.parse(agent.updated_at));
    expect((await get(agent.id)).json()).toEqual(updated);

    // An empty PATCH changes nothing either.
    const empty = await patch(agent.id, {});
    expect(empty.statusCode).toBe(200);
    expect({ ...empty.json(), updated_at: null }).toEqual({ ...updated, updated_at: null });
  });

  it('PATCH replaces nested objects whole: keys left out of them are gone or back to their defaults', async () => {
    const agent = await created({
      name: 'Nested',
      stt: { provider: 'sandbox', model: 'm1', language: 'en', options: { keep: true } },
      interruptions: { enabled: false, min_words: 7 },
      calling_hours: { start: '08:00', end: '12:00', days: ['mon'] },
    });
    const res = await patch(agent.id, {
      stt: { provider: 'sandbox' },
      interruptions: { enabled: true },
      calling_hours: { start: '09:00', end: '10:00' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.stt).toEqual({ provider: 'sandbox' });
    expect(body.interruptions).toEqual({ enabled: true, min_words: 2 });
    expect(body.calling_hours).toEqual({ start: '09:00', end: '10:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] });
    expect(body.llm).toEqual(agent.llm);
  });

  it('PATCH with null clears a nullable field', async () => {
    const agent = await created({ name: 'Clearable', first_message: 'Hello', webhook_url: 'https://example.com/h' });
    const body = (await patch(agent.id, { first_message: null, webhook_url: null })).json();
    expect(body.first_message).toBeNull();
    expect(body.webhook_url).toBeNull();
    expect(body.name).toBe('Clearable');
  });

  it('PATCH validates the merged agent as a whole and stores nothing when it is invalid', async () => {
    const agent = await created({ name: 'Whole', voicemail: { action: 'hang_up' } });
    const before = await storedRow(agent.id);
    // Valid on its own, but the stored agent has no realtime settings.
    expectFieldError(await patch(agent.id, { pipeline: 'realtime' }), 'realtime');
    expectFieldError(await patch(agent.id, { name: '' }), 'name');
    expect(await storedRow(agent.id)).toEqual(before);
  });

  it('DELETE answers a deleted object, then the agent is 404 to GET, PATCH and DELETE and absent from the list', async () => {
    const agent = await created({ name: 'Doomed' });
    const res = await remove(agent.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: agent.id, object: 'agent', deleted: true });

    for (const after of [await get(agent.id), await patch(agent.id, { name: 'Zombie' }), await remove(agent.id)]) {
      expect(after.statusCode).toBe(404);
      expect(after.json().code).toBe('not_found');
    }
    const ids = (await list('?limit=100')).json().data.map((a: { id: string }) => a.id);
    expect(ids).not.toContain(agent.id);
    // The row stays (calls refer to it) and is switched off.
    const row = await storedRow(agent.id);
    expect(row.deleted_at).not.toBeNull();
    expect(row.is_active).toBe(false);
    expect(row.name).toBe('Doomed');
  });

  it('answers the same under the /api/v1 alias', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/agents',
      key: t.testKey,
      payload: { name: 'Aliased' },
    });
    expect(res.statusCode).toBe(201);
    const agent = res.json();
    const viaAlias = await t.request({ method: 'GET', url: `/api/v1/agents/${agent.id}`, key: t.testKey });
    expect(viaAlias.statusCode).toBe(200);
    expect(viaAlias.json()).toEqual((await get(agent.id)).json());
    expect(viaAlias.json()).toEqual(agent);

    const patched = await t.request({
      method: 'PATCH',
      url: `/api/v1/agents/${agent.id}`,
      key: t.testKey,
      payload: { name: 'Aliased 2' },
    });
    expect(patched.json().name).toBe('Aliased 2');
    const listed = await t.request({ method: 'GET', url: '/api/v1/agents?limit=100', key: t.testKey });
    expect(listed.json().data.map((a: { id: string }) => a.id)).toContain(agent.id);
    const deleted = await t.request({ method: 'DELETE', url: `/api/v1/agents/${agent.id}`, key: t.testKey });
    expect(deleted.json()).toEqual({ id: agent.id, object: 'agent', deleted: true });
    expect((await get(agent.id)).statusCode).toBe(404);
  });

  it('refuses an unknown provider with a 400 at its path naming the providers this server has', async () => {
    const stt = expectFieldError(await create({ name: 'x', stt: { provider: 'no-such-stt' } }), 'stt.provider');
    expect(stt.message).toContain('no-such-stt');
    expect(stt.message).toContain("'sandbox'");

    const llm = expectFieldError(await create({ name: 'x', llm: { provider: 'no-such-llm' } }), 'llm.provider');
    expect(llm.message).toContain("'scripted'");
    const tts = expectFieldError(await create({ name: 'x', tts: { provider: 'no-such-tts' } }), 'tts.provider');
    expect(tts.message).toContain("'espeak'");

    const fallback = await create({ name: 'x', stt: { provider: 'sandbox', fallback: { provider: 'nope' } } });
    expectFieldError(fallback, 'stt.fallback.provider');
  });

  it('refuses a realtime pipeline without realtime settings', async () => {
    const res = await create({ name: 'Realtime', pipeline: 'realtime' });
    const entry = expectFieldError(res, 'realtime');
    expect(entry.message).toContain('realtime');
  });

  it('refuses the same tool twice, built-in or HTTP', async () => {
    expectFieldError(await create({ name: 'x', tools: [{ type: 'end_call' }, { type: 'end_call' }] }), 'tools.1');
    const http = { type: 'http', name: 'lookup', description: 'd', url: 'https://example.com' };
    expectFieldError(await create({ name: 'x', tools: [{ type: 'send_dtmf' }, http, http] }), 'tools.2');
    // Different names are fine.
    expect((await create({ name: 'x', tools: [http, { ...http, name: 'lookup_2' }] })).statusCode).toBe(201);
  });

  it("refuses voicemail 'leave_message' without a message, and accepts it with one", async () => {
    expectFieldError(await create({ name: 'x', voicemail: { action: 'leave_message' } }), 'voicemail.message');
    expectFieldError(
      await create({ name: 'x', voicemail: { action: 'leave_message', message: '' } }),
      'voicemail.message',
    );
    const ok = await created({ name: 'x', voicemail: { action: 'leave_message', message: 'Call back' } });
    expect(ok.voicemail).toEqual({ action: 'leave_message', message: 'Call back' });
  });

  it('refuses a webhook_url that is not an http(s) URL', async () => {
    for (const url of ['not a url', 'ftp://example.com/x', 'javascript:alert(1)', '', 42]) {
      expectFieldError(await create({ name: 'x', webhook_url: url }), 'webhook_url');
    }
    expect((await created({ name: 'x', webhook_url: 'http://example.com/hook' })).webhook_url).toBe(
      'http://example.com/hook',
    );
  });

  it('refuses calling_hours whose start is not before its end', async () => {
    expectFieldError(await create({ name: 'x', calling_hours: { start: '18:00', end: '09:00' } }), 'calling_hours.end');
    expectFieldError(await create({ name: 'x', calling_hours: { start: '09:00', end: '09:00' } }), 'calling_hours.end');
    expectFieldError(
      await create({ name: 'x', calling_hours: { start: '9:00', end: '18:00' } }),
      'calling_hours.start',
    );
    expectFieldError(
      await create({ name: 'x', calling_hours: { start: '09:00', end: '18:00', days: [] } }),
      'calling_hours.days',
    );
  });

  it('reads HTTP tool header values back as ****; PATCH sending **** keeps the stored secret, a new value replaces it', async () => {
    const tool = {
      type: 'http',
      name: 'crm',
      description: 'Look the caller up',
      url: 'https://crm.example.com/lookup',
      headers: { Authorization: 'Bearer secret-one', 'X-Tenant': 'acme' },
    };
    const res = await create({ name: 'With secrets', tools: [tool] });
    expect(res.statusCode).toBe(201);
    expect(res.body).not.toContain('secret-one');
    const agent = res.json();
    expect(agent.tools[0].headers).toEqual({ Authorization: '****', 'X-Tenant': '****' });
    const fetched = await get(agent.id);
    expect(fetched.body).not.toContain('secret-one');
    expect(fetched.json().tools[0].headers).toEqual({ Authorization: '****', 'X-Tenant': '****' });
    const storedHeaders = async () =>
      ((await storedRow(agent.id)).config as { tools: Array<{ headers: object }> }).tools[0]?.headers;
    expect(await storedHeaders()).toEqual({ Authorization: 'Bearer secret-one', 'X-Tenant': 'acme' });

    // Sending back what was read keeps the secret and changes only the header given a new value.
    const kept = await patch(agent.id, {
      tools: [{ ...agent.tools[0], headers: { Authorization: '****', 'X-Tenant': 'globex' } }],
    });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json().tools[0].headers).toEqual({ Authorization: '****', 'X-Tenant': '****' });
    expect(await storedHeaders()).toEqual({ Authorization: 'Bearer secret-one', 'X-Tenant': 'globex' });

    // A PATCH of another field leaves the secret alone as well.
    expect((await patch(agent.id, { name: 'Renamed' })).statusCode).toBe(200);
    expect(await storedHeaders()).toEqual({ Authorization: 'Bearer secret-one', 'X-Tenant': 'globex' });

    const replaced = await patch(agent.id, { tools: [{ ...tool, headers: { Authorization: 'Bearer secret-two' } }] });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.body).not.toContain('secret-two');
    expect(await storedHeaders()).toEqual({ Authorization: 'Bearer secret-two' });
  });

  it('refuses **** for a header that has no stored value behind it (a new or renamed tool)', async () => {
    const tool = {
      type: 'http',
      name: 'crm',
      description: 'Look up',
      url: 'https://crm.example.com/x',
      headers: { Auth: 'k1' },
    };
    const fresh = await create({ name: 'Masked', tools: [{ ...tool, headers: { Auth: '****' } }] });
    expectFieldError(fresh, 'tools.0.headers.Auth');
    const agent = await created({ name: 'Renamed tool', tools: [tool] });
    const renamed = await patch(agent.id, { tools: [{ ...tool, name: 'crm2', headers: { Auth: '****' } }] });
    expect(expectFieldError(renamed, 'tools.0.headers.Auth').message).toContain("tool 'crm2' has none");
    const stored = (await storedRow(agent.id)).config as { tools: Array<{ name: string; headers: object }> };
    expect(stored.tools[0]).toMatchObject({ name: 'crm', headers: { Auth: 'k1' } });
  });

  it('refuses unknown fields, at the top level and inside nested objects, on create and on update', async () => {
    const top = await create({ name: 'x', colour: 'blue' });
    expect(top.statusCode).toBe(400);
    expect(top.json().code).toBe('validation_error');
    expect(top.body).toContain('colour');

    expectFieldError(await create({ name: 'x', stt: { provider: 'sandbox', speed: 2 } }), 'stt');
    expectFieldError(await create({ name: 'x', tools: [{ type: 'end_call', extra: 1 }] }), 'tools.0');

    const agent = await created({ name: 'Strict' });
    const before = await storedRow(agent.id);
    const res = await patch(agent.id, { name: 'y', colour: 'blue' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('colour');
    expect(await storedRow(agent.id)).toEqual(before);
  });

  it('filters the list by is_active, and refuses a value that is not true or false', async () => {
    const other = await t.createTenant('Filter');
    const on = await created({ name: 'On' }, other.testKey);
    const off = await created({ name: 'Off', is_active: false }, other.testKey);
    const ids = async (query: string) =>
      (await list(query, other.testKey)).json().data.map((a: { id: string }) => a.id);
    expect(await ids('?is_active=true')).toEqual([on.id]);
    expect(await ids('?is_active=false')).toEqual([off.id]);
    expect(await ids('')).toEqual([off.id, on.id]);

    // Switching one off moves it to the other side of the filter.
    await patch(on.id, { is_active: false }, other.testKey);
    expect(await ids('?is_active=true')).toEqual([]);
    expect(await ids('?is_active=false')).toEqual([off.id, on.id]);

    const bad = await list('?is_active=maybe', other.testKey);
    expectFieldError(bad, 'is_active');
  });

  it('lets a key scoped to agents:read read agents, and refuses it writes with 403 naming agents:write', async () => {
    const keyRes = await t.request({
      method: 'POST',
      url: '/v1/auth/api-keys',
      key: t.testKey,
      payload: { name: 'read only', scopes: ['agents:read'] },
    });
    expect(keyRes.statusCode, keyRes.body).toBe(201);
    const readOnly: string = keyRes.json().secret;
    const agent = await created({ name: 'Readable' });

    expect((await get(agent.id, readOnly)).json()).toEqual(agent);
    const listed = await list('?limit=100', readOnly);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().data.map((a: { id: string }) => a.id)).toContain(agent.id);

    const count = await agentCount();
    const before = await storedRow(agent.id);
    for (const res of [
      await create({ name: 'Sneaky' }, readOnly),
      await patch(agent.id, { name: 'Sneaky' }, readOnly),
      await remove(agent.id, readOnly),
    ]) {
      expect(res.statusCode).toBe(403);
      const body = res.json();
      expect(body.code).toBe('insufficient_scope');
      expect(body.detail).toContain('agents:write');
      expect(body.required_scope).toBe('agents:write');
    }
    expect(await agentCount()).toBe(count);
    expect(await storedRow(agent.id)).toEqual(before);
  });

  it('refuses requests without a valid key with 401', async () => {
    const none = await t.request({ method: 'GET', url: '/v1/agents' });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('missing_api_key');
    const wrong = await list('', 'sk_test_not_a_real_key');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('invalid_api_key');
  });
});
