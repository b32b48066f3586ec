import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentConfig, agentSchemas, WEEKDAYS } from '../../agents/schema.js';
import { defaultProviderRegistry } from '../../providers/registry.js';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

/**
 * "Never a 500 for bad input" (api.md, status codes), checked by throwing generated bodies at
 * POST /v1/agents and PATCH /v1/agents/{id}: arbitrary JSON, agent-shaped objects whose fields
 * hold arbitrary or almost-valid values (to get past the outer schema into the deep rules), and
 * arbitrary bytes under arbitrary content types. A refused request must leave the database as it
 * was; an accepted one must be readable back as answered.
 */

const JSON_RUNS = 150;
const BYTES_RUNS = 100;

// ---- arbitraries ------------------------------------------------------------------------------

/**
 * Mostly printable ASCII, with a fair share of what databases and encoders trip over: NUL, lone
 * surrogates, separators, a BOM, astral characters, and any code point at all.
 */
const unit = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '\u0000',
      '\ud800',
      '\udbff',
      '\udc00',
      '\udfff',
      '\u2028',
      '\ufeff',
      '😀',
      'é',
      '"',
      '\\',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const str = fc.string({ unit, maxLength: 20 });
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4, stringUnit: unit }));
const jsonObject = fc.dictionary(str, anyJson, { maxKeys: 4 });
/** Nesting deeper than any real schema (thousands of levels are checked once, below). */
const deepJson = fc.integer({ min: 1, max: 300 }).map((depth) => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { nested: value };
  return value;
});
const intish = fc.oneof(
  fc.integer({ min: -5, max: 20_000 }),
  fc.double(),
  fc.constantFrom(0, 1, 2, 10, 600, 14_400, 14_401, 1e21),
);
/** Usually `valid`, sometimes `invalid`: enough valid fields that whole bodies often pass. */
const mostly = (valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: invalid });
const nonEmpty = fc.string({ minLength: 1, maxLength: 20 });
/** Text where any string is valid: usually plain, sometimes with the awkward characters. */
const text = fc.oneof({ weight: 2, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: str });

const providerRef = (id: string) => {
  const fields = {
    provider: mostly(fc.constant(id), fc.oneof(fc.constantFrom('openai', 'deepgram', ''), str)),
    model: mostly(nonEmpty, str),
    voice: mostly(nonEmpty, str),
    language: mostly(fc.constantFrom('en', 'en-US'), fc.constantFrom('x', '', 'a'.repeat(36))),
    options: mostly(jsonObject, anyJson),
  };
  const plain = fc.record(fields, { requiredKeys: ['provider'] });
  return fc.oneof(
    fc.constant({ provider: id }),
    fc.record({ ...fields, fallback: mostly(plain, anyJson) }, { requiredKeys: ['provider'] }),
  );
};

const tool = mostly(
  fc.oneof(
    fc.record(
      { type: fc.constantFrom('end_call', 'send_dtmf', 'add_to_dnc'), description: text },
      { requiredKeys: ['type'] },
    ),
    fc.record(
      {
        type: fc.constant('transfer_call'),
        to: mostly(
          fc.constantFrom('+14155550123', 'sip:desk@example.com'),
          fc.oneof(fc.constantFrom('123', '+0123'), str),
        ),
        mode: mostly(fc.constantFrom('cold', 'warm'), fc.constant('hot')),
        description: str,
      },
      { requiredKeys: ['type', 'to'] },
    ),
    fc.record(
      {
        type: fc.constant('http'),
        name: mostly(fc.constantFrom('lookup', 'book_table', '_x-1'), fc.oneof(fc.constantFrom('bad name', ''), str)),
        description: mostly(nonEmpty, str),
        parameters: mostly(
          fc.oneof(fc.constant({ type: 'object' }), fc.record({ type: fc.constant('object'), properties: jsonObject })),
          fc.oneof(jsonObject, fc.constant({ type: 'string' }), deepJson),
        ),
        url: mostly(
          fc.constantFrom('https://example.com/x', 'http://localhost:8080/h'),
          fc.oneof(fc.constantFrom('ftp://example.com', 'nope'), str),
        ),
        method: mostly(fc.constantFrom('GET', 'POST', 'DELETE'), fc.constantFrom('TRACE', 'get')),
        headers: mostly(
          fc.dictionary(fc.constantFrom('Authorization', 'X-Key'), fc.oneof(str, fc.constant('****')), { maxKeys: 2 }),
          fc.oneof(fc.dictionary(fc.constantFrom('bad header', ''), str), anyJson),
        ),
        timeout_ms: mostly(fc.integer({ min: 100, max: 30_000 }), intish),
      },
      { requiredKeys: ['type', 'name', 'description', 'url'] },
    ),
  ),
  anyJson,
);

const hhmm = fc.constantFrom('00:00', '09:00', '17:30', '23:59', '24:00', '9:00');

/** An almost-valid value for each field of the agent; the compiler insists every field has one. */
const plausible: { [K in keyof AgentConfig]: fc.Arbitrary<unknown> } = {
  name: mostly(nonEmpty, fc.oneof(str, fc.constant('   '))),
  pipeline: mostly(fc.constant('cascaded'), fc.constantFrom('realtime', 'hybrid')),
  stt: providerRef('sandbox'),
  llm: providerRef('scripted'),
  tts: providerRef('espeak'),
  realtime: mostly(
    fc.constant(null),
    fc.record(
      { provider: fc.constantFrom('openai', 'x', ''), model: str, voice: str, options: jsonObject },
      { requiredKeys: [] },
    ),
  ),
  system_prompt: mostly(
    text,
    fc.oneof(
      str,
      fc.integer({ min: 49_995, max: 50_005 }).map((n) => 'p'.repeat(n)),
    ),
  ),
  first_message: fc.oneof(fc.constant(null), text),
  tools: fc.array(tool, { maxLength: 3 }),
  voicemail: fc.oneof(
    fc.constant({ action: 'hang_up' }),
    fc.record({ action: fc.constantFrom('leave_message', 'hang_up', 'beep'), message: str }, { requiredKeys: [] }),
  ),
  max_duration_sec: mostly(fc.integer({ min: 10, max: 14_400 }), intish),
  silence_timeout_sec: mostly(fc.integer({ min: 2, max: 600 }), intish),
  interruptions: fc.record(
    { enabled: mostly(fc.boolean(), anyJson), min_words: mostly(fc.integer({ min: 0, max: 20 }), intish) },
    { requiredKeys: [] },
  ),
  calling_hours: mostly(
    fc.oneof(fc.constant(null), fc.constant({ start: '09:00', end: '17:00', days: ['mon', 'sat'] })),
    fc.record(
      { start: hhmm, end: hhmm, days: fc.array(fc.constantFrom(...WEEKDAYS, 'xyz'), { maxLength: 8 }) },
      { requiredKeys: [] },
    ),
  ),
  extraction_schema: mostly(
    fc.oneof(
      fc.constant(null),
      fc.record({ type: fc.constant('object'), properties: jsonObject }, { requiredKeys: [] }),
    ),
    fc.oneof(
      jsonObject,
      deepJson.map((d) => ({ type: 'object', properties: { d } })),
    ),
  ),
  webhook_url: mostly(
    fc.constantFrom(null, 'https://example.com/hook', 'http://[::1]:9/x'),
    fc.oneof(fc.constantFrom('ftp://example.com', 'javascript:alert(1)', 'https://'), str),
  ),
  is_active: mostly(fc.boolean(), anyJson),
  language: mostly(fc.constantFrom('en-US', 'de', 'zh-Hant-TW'), fc.oneof(fc.constantFrom('x', 'en_US', ''), str)),
};

const FIELDS = Object.keys(agentSchemas(defaultProviderRegistry()).agentObject.shape) as Array<keyof AgentConfig>;
const fieldValue = (field: keyof AgentConfig) => mostly(plausible[field], anyJson);

/**
 * Real field names (from the schema), each present or not, holding a plausible or arbitrary value;
 * usually a few fields, sometimes all of them, now and then with a key the schema does not know.
 */
const agentShaped = fc
  .tuple(
    fc.oneof(
      { weight: 3, arbitrary: fc.shuffledSubarray(FIELDS, { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.shuffledSubarray(FIELDS) },
    ),
    fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(str, anyJson) }),
  )
  .chain(([fields, extra]) =>
    fc
      .record(Object.fromEntries(fields.map((f) => [f, fieldValue(f)])))
      .map((agent): Record<string, unknown> => (extra ? { ...agent, [extra[0]]: extra[1] } : agent)),
  );

/** A create body: usually with a name, so that the rest of the body is what decides. */
const createBody = fc.oneof(
  { weight: 1, arbitrary: anyJson },
  { weight: 4, arbitrary: fc.tuple(agentShaped, nonEmpty).map(([a, name]) => ({ name, ...a })) },
  { weight: 1, arbitrary: agentShaped },
);
const patchBody = fc.oneof({ weight: 1, arbitrary: anyJson }, { weight: 4, arbitrary: agentShaped });

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/JSON',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'text/plain',
  'text/csv',
  'application/octet-stream',
  '*/*',
  ';',
];
const contentType = fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.string({ maxLength: 40 }));

/** Arbitrary bytes, and valid agent JSON cut short or with one byte changed. */
const bodyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.tuple(createBody, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([body, at, byte, truncate]) => {
    const bytes = Buffer.from(JSON.stringify(body) ?? 'null');
    const i = at % Math.max(bytes.length, 1);
    if (truncate) return new Uint8Array(bytes.subarray(0, i));
    bytes[i] = byte;
    return new Uint8Array(bytes);
  }),
);

// ---- the properties -------------------------------------------------------------------------

describe.each(testBackends())('agents API never answers bad input with a 5xx, on %s', (backend) => {
  let t: TestPlatform;
  let target: string;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    const res = await t.request({
      method: 'POST',
      url: '/v1/agents',
      key: t.testKey,
      payload: {
        name: 'Fuzz target',
        system_prompt: 'Stay on topic.',
        interruptions: { enabled: false, min_words: 4 },
        calling_hours: { start: '09:00', end: '17:00' },
        tools: [
          { type: 'end_call' },
          {
            type: 'http',
            name: 'lookup',
            description: 'd',
            url: 'https://example.com',
            headers: { Authorization: 'Bearer s3cret' },
          },
        ],
      },
    });
    if (res.statusCode !== 201) throw new Error(`could not create the fuzz target: ${res.body}`);
    target = res.json().id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const db = () => t.platform.db.kysely;
  const agentCount = async () => {
    const row = await db()
      .selectFrom('agents')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  /** The stored row as the database prints it, so "unchanged" means byte for byte. */
  const rowText = async (id: string) => {
    const { rows } = await sql<{ text: string }>`
      SELECT config::text || '|' || name || '|' || is_active::text || '|' || updated_at::text || '|' ||
             coalesce(deleted_at::text, '-') AS text
      FROM agents WHERE id = ${id}`.execute(db());
    return rows[0]?.text;
  };

  const statuses = new Map<string, Set<number>>();
  const note = (what: string, status: number) => {
    const set = statuses.get(what) ?? new Set<number>();
    set.add(status);
    statuses.set(what, set);
  };

  /** What every answer must satisfy. */
  function expectWellFormed(res: LightMyRequestResponse): void {
    expect(res.statusCode, res.body).toBeLessThan(500);
    if (res.statusCode >= 400) {
      const body = res.json();
      expect(typeof body.detail, res.body).toBe('string');
      expect(body.detail.length).toBeGreaterThan(0);
      expect(body.code, res.body).toMatch(/^[a-z][a-z0-9_]*$/);
      if (body.errors !== undefined) {
        for (const e of body.errors) {
          expect(typeof e.path).toBe('string');
          expect(typeof e.message).toBe('string');
        }
      }
    }
  }

  async function postAndCheck(payload: string | Buffer, headers: Record<string, string>, what: string) {
    const before = await agentCount();
    const res = await t.request({ method: 'POST', url: '/v1/agents', key: t.testKey, payload, headers });
    note(what, res.statusCode);
    expectWellFormed(res);
    if (res.statusCode === 201) {
      const agent = res.json();
      expect(await agentCount()).toBe(before + 1);
      expect(await rowText(agent.id)).toBeDefined();
      const got = await t.request({ method: 'GET', url: `/v1/agents/${agent.id}`, key: t.testKey });
      expect(got.statusCode).toBe(200);
      expect(got.json()).toEqual(agent);
    } else {
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(await agentCount()).toBe(before);
    }
  }

  async function patchAndCheck(payload: string | Buffer, headers: Record<string, string>, what: string) {
    const before = await agentCount();
    const stored = await rowText(target);
    const res = await t.request({ method: 'PATCH', url: `/v1/agents/${target}`, key: t.testKey, payload, headers });
    note(what, res.statusCode);
    expectWellFormed(res);
    expect(await agentCount()).toBe(before);
    if (res.statusCode === 200) {
      const got = await t.request({ method: 'GET', url: `/v1/agents/${target}`, key: t.testKey });
      expect(got.json()).toEqual(res.json());
    } else {
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(await rowText(target)).toBe(stored);
    }
  }

  const asJson = (value: unknown) => ({
    payload: JSON.stringify(value),
    headers: { 'content-type': 'application/json' },
  });

  it('POST /v1/agents with arbitrary JSON and agent-shaped bodies', async () => {
    await fc.assert(
      fc.asyncProperty(createBody, async (body) => {
        const { payload, headers } = asJson(body);
        await postAndCheck(payload, headers, 'post-json');
      }),
      { numRuns: JSON_RUNS },
    );
    // The generators reach both sides of the validation.
    expect(statuses.get('post-json')).toContain(201);
    expect(statuses.get('post-json')).toContain(400);
  });

  it('PATCH /v1/agents/{id} with arbitrary JSON and agent-shaped bodies', async () => {
    await fc.assert(
      fc.asyncProperty(patchBody, async (body) => {
        const { payload, headers } = asJson(body);
        await patchAndCheck(payload, headers, 'patch-json');
      }),
      { numRuns: JSON_RUNS },
    );
    expect(statuses.get('patch-json')).toContain(200);
    expect(statuses.get('patch-json')).toContain(400);
  });

  it('POST and PATCH with arbitrary bytes as application/json', async () => {
    await fc.assert(
      fc.asyncProperty(bodyBytes, fc.boolean(), async (bytes, isPatch) => {
        const headers = { 'content-type': 'application/json' };
        if (isPatch) await patchAndCheck(Buffer.from(bytes), headers, 'bytes');
        else await postAndCheck(Buffer.from(bytes), headers, 'bytes');
      }),
      { numRuns: BYTES_RUNS },
    );
    expect(statuses.get('bytes')).toContain(400);
  });

  it('POST and PATCH with arbitrary bytes under arbitrary content types', async () => {
    await fc.assert(
      fc.asyncProperty(bodyBytes, contentType, fc.boolean(), async (bytes, type, isPatch) => {
        const headers = { 'content-type': type };
        if (isPatch) await patchAndCheck(Buffer.from(bytes), headers, 'content-types');
        else await postAndCheck(Buffer.from(bytes), headers, 'content-types');
      }),
      { numRuns: BYTES_RUNS },
    );
    expect(statuses.get('content-types')).toContain(415);
  });

  // Inputs the fuzzer found that once answered 500; kept as plain examples.
  it.each([
    ['a NUL in the name', { name: 'a\u0000b' }, 'name'],
    ['a NUL in the prompt', { name: 'a', system_prompt: 'x\u0000y' }, 'system_prompt'],
    ['a lone surrogate in the prompt', { name: 'a', system_prompt: 'x\ud800y' }, 'system_prompt'],
    ['a lone surrogate in the name', { name: '\udc00' }, 'name'],
    [
      'a NUL in a key of provider options',
      { name: 'a', stt: { provider: 'sandbox', options: { 'k\u0000': 1 } } },
      'stt.options.k\u0000',
    ],
    [
      'a NUL in a tool header',
      {
        name: 'a',
        tools: [{ type: 'http', name: 'x', description: 'd', url: 'https://e.com', headers: { A: '\u0000' } }],
      },
      'tools.0.headers.A',
    ],
  ])('refuses %s with 400 at its path, on create and on update', async (_label, body, path) => {
    const count = await agentCount();
    const stored = await rowText(target);
    for (const res of [
      await t.request({ method: 'POST', url: '/v1/agents', key: t.testKey, ...asJson(body) }),
      await t.request({ method: 'PATCH', url: `/v1/agents/${target}`, key: t.testKey, ...asJson(body) }),
    ]) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().code).toBe('validation_error');
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect(await agentCount()).toBe(count);
    expect(await rowText(target)).toBe(stored);
  });

  it('refuses free-form JSON nested thousands of levels deep with 400, and accepts moderate nesting', async () => {
    const nest = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    for (const depth of [100, 10_000, 100_000]) {
      const payload = `{"name":"deep","extraction_schema":{"type":"object","x":${nest(depth)}}}`;
      const res = await t.request({
        method: 'POST',
        url: '/v1/agents',
        key: t.testKey,
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
      expect(res.json().code).toBe('validation_error');
    }
    const ok = await t.request({
      method: 'POST',
      url: '/v1/agents',
      key: t.testKey,
      ...asJson({ name: 'nested', extraction_schema: { type: 'object', x: JSON.parse(nest(20)) } }),
    });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('accepts astral characters and properly paired surrogates everywhere', async () => {
    const body = { name: 'Émile 📞', system_prompt: '𝄞 music', stt: { provider: 'sandbox', options: { '🔑': '値' } } };
    const res = await t.request({ method: 'POST', url: '/v1/agents', key: t.testKey, ...asJson(body) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject(body);
  });
});
