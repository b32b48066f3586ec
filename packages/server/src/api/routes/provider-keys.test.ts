import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../providers/keys/secret-box.js';
import { tenantProviderKeys } from '../../providers/keys/store.js';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

const SECRETS_KEY = randomBytes(32).toString('base64');
const OPENAI_KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789WXYZ';

describe.each(testBackends())('provider keys API (bring your own key) on %s', (backend) => {
  let t: TestPlatform;
  const put = (provider: string, payload: unknown, key = t.testKey, headers = {}) =>
    t.request({ method: 'PUT', url: `/v1/provider-keys/${provider}`, key, payload: payload as object, headers });
  const get = (provider: string, key = t.testKey) =>
    t.request({ method: 'GET', url: `/v1/provider-keys/${provider}`, key });

  beforeAll(async () => {
    t = await startTestPlatform(backend, { CALLINGSCOUT_SECRETS_KEY: SECRETS_KEY });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores a key sealed, answers it masked, and hands it in clear only to the provider registry', async () => {
    const res = await put('openai', { api_key: OPENAI_KEY });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ object: 'provider_key', provider: 'openai', api_key: '****', hint: '…WXYZ' });
    expect(res.body).not.toContain('abcdefghij');
    const row = await t.platform.db.kysely.selectFrom('provider_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.sealed_key).toMatch(/^v1\./);
    expect(row.sealed_key).not.toContain(OPENAI_KEY);
    expect((await get('openai')).json()).toMatchObject({ api_key: '****', hint: '…WXYZ' });
    const { keys } = await tenantProviderKeys(t.platform.db.kysely, SecretBox.fromSetting(SECRETS_KEY), t.tenantId);
    expect(keys).toEqual({ openai: OPENAI_KEY });
  });

  it('replacing a key answers 200; the list shows each provider once, masked, through the pager', async () => {
    expect((await put('deepgram', { api_key: 'dg-0123456789abcdef-1111' })).statusCode).toBe(201);
    const replaced = await put('openai', { api_key: `${OPENAI_KEY}-2222` });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().hint).toBe('…2222');
    const first = await t.request({ method: 'GET', url: '/v1/provider-keys?limit=1', key: t.testKey });
    expect(first.json()).toMatchObject({ object: 'list', has_more: true, data: [{ provider: 'openai' }] });
    const cursorPage = await t.request({
      method: 'GET',
      url: `/v1/provider-keys?limit=5&cursor=${first.json().next_cursor}`,
      key: t.testKey,
    });
    expect(cursorPage.json().data.map((k: { provider: string }) => k.provider)).toEqual(['deepgram']);
    expect(JSON.stringify(cursorPage.json())).not.toContain('dg-0123456789');
  });

  it('another tenant sees none of them: 404 on read and delete, an empty list', async () => {
    const other = await t.createTenant();
    expect((await get('openai', other.testKey)).statusCode).toBe(404);
    const del = await t.request({ method: 'DELETE', url: '/v1/provider-keys/openai', key: other.testKey });
    expect(del.statusCode).toBe(404);
    const list = await t.request({ method: 'GET', url: '/v1/provider-keys', key: other.testKey });
    expect(list.json().data).toEqual([]);
    expect((await get('openai')).statusCode).toBe(200);
  });

  it('a sealed key copied into another tenant’s row does not open there', async () => {
    const other = await t.createTenant('Copier');
    const db = t.platform.db.kysely;
    const mine = await db
      .selectFrom('provider_keys')
      .selectAll()
      .where('tenant_id', '=', t.tenantId)
      .where('provider', '=', 'openai')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('provider_keys')
      .values({ ...mine, tenant_id: other.tenantId })
      .execute();
    const box = SecretBox.fromSetting(SECRETS_KEY);
    expect(await tenantProviderKeys(db, box, other.tenantId)).toEqual({ keys: {}, unreadable: ['openai'] });
  });

  it('refuses bad input with a 400 a person can act on, and writes nothing', async () => {
    const unknown = await put('anthropic', { api_key: OPENAI_KEY });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].message).toContain('openai, deepgram, elevenlabs');
    const short = await put('elevenlabs', { api_key: 'abc' });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors).toEqual([expect.objectContaining({ path: 'api_key' })]);
    expect((await put('elevenlabs', { api_key: 'has a space in it' })).statusCode).toBe(400);
    expect((await get('elevenlabs')).statusCode).toBe(404);
  });

  it('deletes a key, then it is gone; an Idempotency-Key replay stores no secret', async () => {
    const headers = { 'idempotency-key': 'put-el-1' };
    const first = await put('elevenlabs', { api_key: 'el-secret-0123456789-5555' }, t.testKey, headers);
    const again = await put('elevenlabs', { api_key: 'el-secret-0123456789-5555' }, t.testKey, headers);
    expect(again.statusCode).toBe(first.statusCode);
    const stored = await t.platform.db.kysely.selectFrom('idempotency_keys').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain('el-secret-0123456789');
    const del = await t.request({ method: 'DELETE', url: '/v1/provider-keys/elevenlabs', key: t.testKey });
    expect(del.json()).toEqual({ object: 'provider_key', provider: 'elevenlabs', deleted: true });
    expect((await get('elevenlabs')).statusCode).toBe(404);
  });
});

describe.each(testBackends())('provider keys without CALLINGSCOUT_SECRETS_KEY on %s', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 naming the missing setting, and stores nothing', async () => {
    const res = await t.request({
      method: 'PUT',
      url: '/v1/provider-keys/openai',
      key: t.testKey,
      payload: { api_key: OPENAI_KEY },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'secrets_key_not_configured' });
    expect(res.json().detail).toContain('CALLINGSCOUT_SECRETS_KEY');
    const list = await t.request({ method: 'GET', url: '/v1/provider-keys', key: t.testKey });
    expect(list.json().data).toEqual([]);
  });
});
