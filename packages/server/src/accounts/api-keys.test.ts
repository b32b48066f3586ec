import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testBackends } from '../testing/db.js';
import { startTestPlatform, TEST_ADMIN_TOKEN, type TestPlatform } from '../testing/platform.js';
import { hashSecret } from './api-keys.js';
import { BOOTSTRAP_FILE } from './bootstrap.js';

describe.each(testBackends())('API keys and modes on %s', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  it('bootstraps one tenant with a test and a live key, written to a 0600 file', async () => {
    const dataDir = t.platform.settings.current.CALLINGSCOUT_DATA_DIR;
    const file = join(dataDir, BOOTSTRAP_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(t.testKey).toMatch(/^sk_test_[A-Za-z0-9_-]{43}$/);
    expect(t.liveKey).toMatch(/^sk_live_[A-Za-z0-9_-]{43}$/);
    // 43 base64url characters carry 256 bits; the stored form is only the hash.
    const rows = await t.platform.db.kysely.selectFrom('api_keys').selectAll().execute();
    expect(rows.map((r) => r.key_hash).sort()).toEqual([hashSecret(t.testKey), hashSecret(t.liveKey)].sort());
    const everything = JSON.stringify(rows);
    expect(everything).not.toContain(t.testKey.slice(8));
    expect(everything).not.toContain(t.liveKey.slice(8));
  });

  it('answers 401 for a missing, malformed, unknown or foreign key, with a clear code', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'missing_api_key'],
      [{ authorization: 'Basic abc' }, 'invalid_authorization'],
      [{ authorization: 'Bearer nope' }, 'invalid_api_key'],
      [{ authorization: `Bearer sk_test_${'A'.repeat(43)}` }, 'invalid_api_key'],
    ];
    for (const [headers, code] of cases) {
      const res = await t.request({ method: 'GET', url: '/v1/me', headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.json()).toMatchObject({ code, detail: expect.any(String) });
    }
  });

  it('tells test from live by the key, and reports the mode', async () => {
    const test = await t.request({ method: 'GET', url: '/v1/me', key: t.testKey });
    const live = await t.request({ method: 'GET', url: '/v1/me', key: t.liveKey });
    expect(test.json()).toMatchObject({ id: t.tenantId, livemode: false });
    expect(live.json()).toMatchObject({ id: t.tenantId, livemode: true });
    // Test mode's limits are 100× live mode's.
    expect(test.json().limits.rate_limits_per_minute.default).toBe(
      100 * live.json().limits.rate_limits_per_minute.default,
    );
  });

  it('creates a key shown once, lists it by prefix only, and revokes it for the very next request', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/v1/auth/api-keys',
      key: t.liveKey,
      payload: { name: 'CI' },
    });
    expect(created.statusCode).toBe(201);
    const key = created.json();
    expect(key).toMatchObject({ object: 'api_key', mode: 'live', livemode: true, name: 'CI', scopes: ['*'] });
    expect(key.secret.startsWith(key.prefix)).toBe(true);

    expect((await t.request({ method: 'GET', url: '/v1/me', key: key.secret })).statusCode).toBe(200);
    // last_used_at is written beside the request, not before its answer (auth.ts): wait for it to land.
    const listKeys = () => t.request({ method: 'GET', url: '/v1/auth/api-keys', key: t.liveKey });
    const find = (res: Awaited<ReturnType<typeof listKeys>>) =>
      res.json().data.find((k: { id: string }) => k.id === key.id);
    await vi.waitFor(async () => expect(find(await listKeys()).last_used_at).not.toBeNull(), { timeout: 5000 });
    const list = await listKeys();
    const listed = find(list);
    expect(listed).toMatchObject({ prefix: key.prefix });
    expect(listed.secret).toBeUndefined();
    expect(list.body).not.toContain(key.secret);
    expect(listed.last_used_at).not.toBeNull();
    // Keys of the other mode are not listed.
    expect(list.json().data.every((k: { mode: string }) => k.mode === 'live')).toBe(true);

    const revoked = await t.request({ method: 'DELETE', url: `/v1/auth/api-keys/${key.id}`, key: t.liveKey });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).not.toBeNull();
    const after = await t.request({ method: 'GET', url: '/v1/me', key: key.secret });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('invalid_api_key');
  });

  it('creates keys only in its own mode, and never grants more scopes than it has', async () => {
    const narrow = await t.request({
      method: 'POST',
      url: '/v1/auth/api-keys',
      key: t.testKey,
      payload: { name: 'narrow', scopes: ['keys:write', 'agents:read'] },
    });
    expect(narrow.statusCode).toBe(201);
    expect(narrow.json().mode).toBe('test');
    const escalate = await t.request({
      method: 'POST',
      url: '/v1/auth/api-keys',
      key: narrow.json().secret,
      payload: { name: 'wider', scopes: ['*'] },
    });
    expect(escalate.statusCode).toBe(403);
    expect(escalate.json().code).toBe('insufficient_scope');
    const forbidden = await t.request({ method: 'GET', url: '/v1/me', key: narrow.json().secret });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ code: 'insufficient_scope', required_scope: 'account:read' });
    expect(forbidden.json().detail).toContain('account:read');
    // A live key cannot see or revoke a test key: 404.
    const cross = await t.request({ method: 'DELETE', url: `/v1/auth/api-keys/${narrow.json().id}`, key: t.liveKey });
    expect(cross.statusCode).toBe(404);
  });

  it('keeps tenants apart: another tenant cannot see or revoke these keys', async () => {
    const other = await t.createTenant();
    const mine = await t.request({ method: 'GET', url: '/v1/auth/api-keys', key: t.testKey });
    const id = mine.json().data[0].id;
    const res = await t.request({ method: 'DELETE', url: `/v1/auth/api-keys/${id}`, key: other.testKey });
    expect(res.statusCode).toBe(404);
    const theirs = await t.request({ method: 'GET', url: '/v1/auth/api-keys', key: other.testKey });
    expect(theirs.json().data.map((k: { id: string }) => k.id)).not.toContain(id);
    expect((await t.request({ method: 'GET', url: '/v1/me', key: other.testKey })).json().id).toBe(other.tenantId);
  });

  it('lets the admin create, list, change and disable tenants; a disabled tenant is refused', async () => {
    const noToken = await t.request({ method: 'GET', url: '/v1/admin/tenants', key: t.testKey });
    expect(noToken.statusCode).toBe(401);
    const other = await t.createTenant('To disable');
    const patched = await t.request({
      method: 'PATCH',
      url: `/v1/admin/tenants/${other.tenantId}`,
      key: TEST_ADMIN_TOKEN,
      payload: { plan: 'pro', balance: 25.5, rate_limits: { default: 7 }, concurrent_calls_limit: 3 },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ plan: 'pro', balance: 25.5, rate_limit_overrides: { default: 7 } });
    const me = await t.request({ method: 'GET', url: '/v1/me', key: other.liveKey });
    expect(me.json().limits).toMatchObject({ concurrent_calls: 3, rate_limits_per_minute: { default: 7 } });

    await t.request({
      method: 'PATCH',
      url: `/v1/admin/tenants/${other.tenantId}`,
      key: TEST_ADMIN_TOKEN,
      payload: { disabled: true },
    });
    const refused = await t.request({ method: 'GET', url: '/v1/me', key: other.liveKey });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('tenant_disabled');
    const list = await t.request({ method: 'GET', url: '/v1/admin/tenants?limit=100', key: TEST_ADMIN_TOKEN });
    expect(list.json().data.map((x: { id: string }) => x.id)).toEqual(
      expect.arrayContaining([t.tenantId, other.tenantId]),
    );
  });

  it('changes account settings with PATCH /v1/me and rejects unknown ones', async () => {
    const ok = await t.request({
      method: 'PATCH',
      url: '/v1/me',
      key: t.testKey,
      payload: { settings: { default_region: 'GB', timezone: 'Europe/London' } },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().settings).toMatchObject({
      default_region: 'GB',
      timezone: 'Europe/London',
      sandbox_use_real_providers: false,
    });
    const bad = await t.request({
      method: 'PATCH',
      url: '/v1/me',
      key: t.testKey,
      payload: { settings: { timezone: 'Mars/Olympus', colour: 'red' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['settings', 'settings.timezone']);
  });
});

describe.each(testBackends())('sign-up on %s', (backend) => {
  it('is refused unless ALLOW_SIGNUP is on, and then gives a tenant with both keys', async () => {
    const closed = await startTestPlatform(backend);
    try {
      const res = await closed.request({
        method: 'POST',
        url: '/v1/auth/register',
        payload: { name: 'Acme', email: 'a@acme.test' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('signup_disabled');
      // The operator may always register someone.
      const admin = await closed.request({
        method: 'POST',
        url: '/v1/auth/register',
        key: TEST_ADMIN_TOKEN,
        payload: { name: 'Acme', email: 'a@acme.test' },
      });
      expect(admin.statusCode).toBe(201);
    } finally {
      await closed.close();
    }
    const open = await startTestPlatform(backend, { ALLOW_SIGNUP: 'true' });
    try {
      const res = await open.request({
        method: 'POST',
        url: '/v1/auth/register',
        payload: { name: 'Acme', email: 'a@acme.test' },
      });
      expect(res.statusCode).toBe(201);
      const { tenant, keys } = res.json();
      expect(tenant).toMatchObject({ object: 'tenant', name: 'Acme', email: 'a@acme.test' });
      const me = await open.request({ method: 'GET', url: '/v1/me', key: keys.live.secret });
      expect(me.json().id).toBe(tenant.id);
      const bad = await open.request({
        method: 'POST',
        url: '/v1/auth/register',
        payload: { name: 'Acme', email: 'nope' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe('email');
    } finally {
      await open.close();
    }
  });
});
