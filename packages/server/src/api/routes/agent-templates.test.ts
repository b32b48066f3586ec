import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_TEMPLATES } from '../../agents/templates/index.js';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

function expectFieldError(res: LightMyRequestResponse, path: string): { path: string; message: string } {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json().code).toBe('validation_error');
  const entry = (res.json().errors ?? []).find((e: { path: string }) => e.path === path);
  expect(entry, `no error at '${path}' in ${res.body}`).toBeDefined();
  return entry;
}

describe.each(testBackends())('agent templates API on %s', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string, key = t.testKey) => t.request({ method: 'GET', url, key });
  const clone = (id: string, payload?: object, key = t.testKey, headers: Record<string, string> = {}) =>
    t.request({
      method: 'POST',
      url: `/v1/agent-templates/${id}/clone`,
      key,
      headers,
      ...(payload ? { payload } : {}),
    });
  const agentCount = async () =>
    Number(
      (
        await t.platform.db.kysely
          .selectFrom('agents')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('lists all 17 templates in catalogue order in the list envelope, each complete', async () => {
    const res = await get('/v1/agent-templates?limit=100');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect(body.data.map((x: { id: string }) => x.id)).toEqual(AGENT_TEMPLATES.map((x) => x.id));
    const first = body.data[0];
    expect(Object.keys(first)).toEqual([
      'id',
      'object',
      'vertical',
      'name',
      'description',
      'variables',
      'transfer',
      'agent',
    ]);
    expect(first.object).toBe('agent_template');
    // The agent is answered with every default filled in, as a created agent is.
    expect(first.agent).toMatchObject({ pipeline: 'cascaded', stt: { provider: 'sandbox' }, is_active: true });
  });

  it('pages through the catalogue with the standard cursor, never skipping or repeating', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/v1/agent-templates?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.data.length).toBeLessThanOrEqual(5);
      seen.push(...body.data.map((x: { id: string }) => x.id));
      cursor = body.next_cursor;
      expect(body.has_more).toBe(cursor !== null);
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual(AGENT_TEMPLATES.map((x) => x.id));
  });

  it('refuses a cursor that is not from this list', async () => {
    const foreign = Buffer.from('c1:agt_01HZZZZZZZZZZZZZZZZZZZZZZZ').toString('base64url');
    const res = await get(`/v1/agent-templates?cursor=${foreign}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_cursor', errors: [{ path: 'cursor' }] });
    expect((await get('/v1/agent-templates?cursor=garbage')).statusCode).toBe(400);
  });

  it('filters by vertical, and refuses an unknown one naming the choices', async () => {
    const res = await get('/v1/agent-templates?vertical=collections');
    expect(res.json().data.map((x: { id: string }) => x.id)).toEqual([
      'tpl_collections_payment_reminder',
      'tpl_collections_promise_to_pay',
    ]);
    const bad = expectFieldError(await get('/v1/agent-templates?vertical=legal'), 'vertical');
    expect(bad.message).toContain('healthcare');
  });

  it('gets one template by id, and answers 404 for an unknown id', async () => {
    const res = await get('/v1/agent-templates/tpl_sales_renewal');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'tpl_sales_renewal', vertical: 'sales', name: 'Subscription renewal' });
    const missing = await get('/v1/agent-templates/tpl_sales_nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'not_found', detail: expect.stringContaining('tpl_sales_nope') });
  });

  it('clones a template without a body into a new agent that GET /v1/agents/{id} returns', async () => {
    const template = (await get('/v1/agent-templates/tpl_support_order_status')).json();
    const res = await clone('tpl_support_order_status');
    expect(res.statusCode, res.body).toBe(201);
    const agent = res.json();
    expect(agent.id).toMatch(/^agt_/);
    expect(agent).toMatchObject({ ...template.agent, created_at: expect.any(String) });
    expect(agent.first_message).toContain('{{company_name}}');
    expect((await get(`/v1/agents/${agent.id}`)).json()).toEqual(agent);
  });

  it('clones with a name, variables filled in, a transfer target and overrides', async () => {
    const res = await clone('tpl_sales_demo_booking', {
      name: 'Demo booker (EU)',
      variables: { company_name: 'Globex', product_name: 'Globex Cloud' },
      transfer_to: '+442071838750',
      overrides: { language: 'en-GB', max_duration_sec: 300, webhook_url: 'https://hooks.example.com/calls' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const agent = res.json();
    expect(agent.name).toBe('Demo booker (EU)');
    expect(agent.first_message).toBe(
      'Hi, this is an AI assistant calling from Globex about the Globex Cloud demo you requested. Is this {{name}}? If you would rather not get these calls, just say stop at any time.',
    );
    expect(agent.system_prompt).not.toContain('{{company_name}}');
    expect(agent.system_prompt).toContain('{{available_slots}}');
    expect(agent.system_prompt).toContain('takes 30 minutes');
    expect(agent).toMatchObject({
      language: 'en-GB',
      max_duration_sec: 300,
      webhook_url: 'https://hooks.example.com/calls',
    });
    expect(agent.tools.map((x: { type: string }) => x.type)).toEqual(['end_call', 'add_to_dnc', 'transfer_call']);
    expect(agent.tools[2]).toMatchObject({ to: '+442071838750', mode: 'warm' });
  });

  it('refuses bad clone requests with per-field errors at the request\u2019s own paths, and stores nothing', async () => {
    const before = await agentCount();
    const unknown = expectFieldError(
      await clone('tpl_hr_reference_check', { variables: { salary: '10' } }),
      'variables.salary',
    );
    expect(unknown.message).toContain('candidate_name');
    expectFieldError(await clone('tpl_hr_reference_check', { transfer_to: '555-0100' }), 'transfer_to');
    expectFieldError(
      await clone('tpl_hr_reference_check', { overrides: { llm: { provider: 'nope' } } }),
      'overrides.llm.provider',
    );
    expectFieldError(
      await clone('tpl_hr_reference_check', { overrides: { pipeline: 'realtime' } }),
      'overrides.realtime',
    );
    expectFieldError(await clone('tpl_hr_reference_check', { name: '  ' }), 'name');
    expectFieldError(await clone('tpl_hr_reference_check', { colour: 'blue' }), '');
    expect(await agentCount()).toBe(before);
    expect((await clone('tpl_hr_nope', {})).statusCode).toBe(404);
  });

  it('honours Idempotency-Key on clone: a retry replays the same agent, another body is 409', async () => {
    const headers = { 'idempotency-key': `clone-${backend}` };
    const first = await clone('tpl_hr_candidate_screening', { name: 'Screener' }, t.testKey, headers);
    expect(first.statusCode).toBe(201);
    const before = await agentCount();
    const replay = await clone('tpl_hr_candidate_screening', { name: 'Screener' }, t.testKey, headers);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['x-idempotent-replay']).toBe('true');
    expect(replay.json()).toEqual(first.json());
    expect(await agentCount()).toBe(before);
    const reuse = await clone('tpl_hr_candidate_screening', { name: 'Other' }, t.testKey, headers);
    expect(reuse.statusCode).toBe(409);
    expect(reuse.json().code).toBe('idempotency_key_reuse');
  });

  it('gives the clone to the calling tenant only: another tenant gets 404 for it', async () => {
    const other = await t.createTenant('Template isolation');
    const agent = (await clone('tpl_support_outage_notice', {}, other.testKey)).json();
    expect((await get(`/v1/agents/${agent.id}`, other.liveKey)).statusCode).toBe(200);
    const res = await get(`/v1/agents/${agent.id}`);
    expect(res.statusCode).toBe(404);
  });

  it('needs agents:read to read templates and agents:write to clone', async () => {
    const keyRes = await t.request({
      method: 'POST',
      url: '/v1/auth/api-keys',
      key: t.testKey,
      payload: { name: 'templates read only', scopes: ['agents:read'] },
    });
    const readOnly = keyRes.json().secret;
    expect((await get('/v1/agent-templates', readOnly)).statusCode).toBe(200);
    const denied = await clone('tpl_sales_renewal', {}, readOnly);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().required_scope).toBe('agents:write');
    expect((await t.request({ method: 'GET', url: '/v1/agent-templates' })).statusCode).toBe(401);
  });
});
