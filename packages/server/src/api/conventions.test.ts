import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TEST_ADMIN_TOKEN, type TestPlatform } from '../testing/platform.js';

/** HTTP conventions that do not depend on the engine: run on PGlite only. */
describe('HTTP conventions', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform('pglite', { CALLINGSCOUT_BODY_LIMIT_BYTES: '4096' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/agents',
      key: t.testKey,
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "x",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_json', detail: expect.stringContaining('not valid JSON') });
  });

  it('answers schema violations with 400 and one entry per field', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/agents',
      key: t.testKey,
      payload: { name: 5, max_duration_sec: -1, tools: [{ type: 'teleport' }] },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('validation_error');
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'max_duration_sec',
      'name',
      'tools.0.type',
    ]);
  });

  it('answers a body over the limit with 413, and an unknown content type with 415', async () => {
    const big = await t.request({
      method: 'POST',
      url: '/v1/agents',
      key: t.testKey,
      payload: { name: 'x', system_prompt: 'y'.repeat(5000) },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('payload_too_large');
    const xml = await t.request({
      method: 'POST',
      url: '/v1/agents',
      key: t.testKey,
      headers: { 'content-type': 'application/xml' },
      payload: '<agent/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().code).toBe('unsupported_media_type');
  });

  it('asks for a body when none is sent, and answers non-JSON bodies with 415', async () => {
    const none = await t.request({ method: 'POST', url: '/v1/agents', key: t.testKey });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ code: 'missing_body', detail: expect.stringContaining('application/json') });
    const text = await t.request({
      method: 'POST',
      url: '/v1/agents',
      key: t.testKey,
      headers: { 'content-type': 'text/plain' },
      payload: 'name=x',
    });
    expect(text.statusCode).toBe(415);
  });

  it('reports an unknown provider in the same answer as other field errors', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/agents',
      key: t.testKey,
      payload: { name: '', stt: { provider: 'nope' } },
    });
    expect(res.statusCode).toBe(400);
    const errors = res.json().errors as Array<{ path: string; message: string }>;
    expect(errors.map((e) => e.path).sort()).toEqual(['name', 'stt.provider']);
    expect(errors.find((e) => e.path === 'stt.provider')?.message).toBe(
      "unknown stt provider 'nope'; this server has 'sandbox', 'openai', 'deepgram'",
    );
  });

  it('refuses text the database cannot store, and absurd nesting, anywhere in the request, with 400', async () => {
    // Bodies as raw JSON text: the escapes reach the server as written.
    const cases: Array<{ url: string; method: 'GET' | 'POST' | 'DELETE'; body?: string; path: string }> = [
      { method: 'GET', url: '/v1/agents/%00', path: 'id' },
      { method: 'DELETE', url: '/v1/auth/api-keys/a%00b', path: 'id' },
      { method: 'GET', url: '/v1/agents?cursor=%00', path: 'cursor' },
      { method: 'POST', url: '/v1/agents', body: String.raw`{"name": "a\u0000b"}`, path: 'name' },
      { method: 'POST', url: '/v1/auth/api-keys', body: String.raw`{"name": "x\ud800"}`, path: 'name' },
    ];
    for (const c of cases) {
      const res = await t.request({
        method: c.method,
        url: c.url,
        key: t.testKey,
        ...(c.body ? { headers: { 'content-type': 'application/json' }, payload: c.body } : {}),
      });
      expect(res.statusCode, c.url).toBe(400);
      expect(res.json().errors[0].path, c.url).toBe(c.path);
    }
    // 1,500 levels fit this suite's 4 KB body limit; the guard stops at 64.
    const deep = `${'['.repeat(1_500)}"x"${']'.repeat(1_500)}`;
    const res = await t.request({
      method: 'POST',
      url: '/v1/agents',
      key: t.testKey,
      headers: { 'idempotency-key': 'deep-1', 'content-type': 'application/json' },
      payload: `{"name": "deep", "extraction_schema": {"x": ${deep}}}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].message).toContain('nested deeper than 64 levels');
  });

  it('answers a URL with broken percent-encoding in the usual error format', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/agents/%ff', key: t.testKey });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'bad_url', detail: expect.any(String) });
  });

  it('answers unknown routes with a JSON 404, authenticated or not', async () => {
    for (const key of [undefined, t.testKey]) {
      const res = await t.request({ method: 'GET', url: '/v1/nothing-here', ...(key ? { key } : {}) });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.json().code).toBe('route_not_found');
    }
  });

  it('serves /api/v1 as an alias of /v1', async () => {
    const a = await t.request({ method: 'GET', url: '/api/v1/me', key: t.testKey });
    const b = await t.request({ method: 'GET', url: '/v1/me', key: t.testKey });
    expect(a.statusCode).toBe(200);
    expect(a.json()).toEqual(b.json());
  });

  it('gives every response a request id, keeping a well-formed one from the client', async () => {
    const given = await t.request({ method: 'GET', url: '/v1/health', headers: { 'x-request-id': 'trace-abc.123' } });
    expect(given.headers['x-request-id']).toBe('trace-abc.123');
    const made = await t.request({
      method: 'GET',
      url: '/v1/health',
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(made.headers['x-request-id']).toMatch(/^req_[0-9A-Z]{26}$/);
  });

  it('removes __proto__ keys from JSON bodies instead of honouring them', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/agents',
      key: t.testKey,
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"proto","__proto__":{"is_active":false}}',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().is_active).toBe(true);
  });

  it('answers GET /v1/health without a key, and /v1/status with one', async () => {
    const health = await t.request({ method: 'GET', url: '/v1/health' });
    expect(health.json()).toMatchObject({ status: 'ok', database: 'ok' });
    expect((await t.request({ method: 'GET', url: '/v1/status' })).statusCode).toBe(401);
    const status = await t.request({ method: 'GET', url: '/v1/status', key: t.testKey });
    expect(status.json()).toMatchObject({
      status: 'ok',
      database: { engine: 'pglite', ok: true },
      rate_limits: { store: 'memory' },
    });
    // Every provider of the spec's lists, by kind: the offline ones and the cloud adapters.
    expect(
      status
        .json()
        .providers.map((p: { id: string; kind: string }) => `${p.kind}:${p.id}`)
        .sort(),
    ).toEqual([
      'llm:openai',
      'llm:scripted',
      'realtime:openai',
      'stt:deepgram',
      'stt:openai',
      'stt:sandbox',
      'tts:elevenlabs',
      'tts:espeak',
      'tts:openai',
    ]);
    expect((await t.request({ method: 'GET', url: '/v1/status', key: TEST_ADMIN_TOKEN })).statusCode).toBe(200);
  });

  it('serves Prometheus metrics that count requests by route', async () => {
    await t.request({ method: 'GET', url: '/v1/me', key: t.testKey });
    const res = await t.request({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/callingscout_http_requests_total\{method="GET",route="\/v1\/me",status="200"\} \d+/);
    expect(res.body).toContain('callingscout_http_request_duration_seconds_bucket');
  });

  it('publishes an OpenAPI 3.1 document generated from the validating schemas, and a rendered reference', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/openapi.json' });
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/agents', '/v1/agents/{id}', '/v1/me', '/v1/auth/api-keys', '/v1/health']),
    );
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
    const create = doc.paths['/v1/agents'].post;
    const schema = JSON.stringify(create.requestBody.content['application/json'].schema);
    expect(schema).toContain('max_duration_sec');
    expect(schema).toContain('silence_timeout_sec');
    const docs = await t.request({ method: 'GET', url: '/docs' });
    const html =
      docs.statusCode === 302 ? await t.request({ method: 'GET', url: docs.headers.location as string }) : docs;
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
  });
});
