import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, TEST_ADMIN_TOKEN, type TestPlatform } from '../../testing/platform.js';

describe.each(testBackends())('GET|PATCH /v1/config on %s', (backend) => {
  let t: TestPlatform;
  const admin = { key: TEST_ADMIN_TOKEN };
  beforeAll(async () => {
    t = await startTestPlatform(backend, { OPENAI_API_KEY: 'sk-operator-secret' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is for the admin only, and reads secrets back as ****', async () => {
    expect((await t.request({ method: 'GET', url: '/v1/config', key: t.liveKey })).statusCode).toBe(401);
    const res = await t.request({ method: 'GET', url: '/v1/config', ...admin });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ OPENAI_API_KEY: '****', ADMIN_TOKEN: '****', ALLOW_SIGNUP: false });
    expect(res.body).not.toContain('sk-operator-secret');
    expect(res.body).not.toContain(TEST_ADMIN_TOKEN);
  });

  it('changes run-time settings, stores them, and applies them at once', async () => {
    const res = await t.request({ method: 'PATCH', url: '/v1/config', ...admin, payload: { ALLOW_SIGNUP: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json().ALLOW_SIGNUP).toBe(true);
    const signup = await t.request({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { name: 'N', email: 'n@example.com' },
    });
    expect(signup.statusCode).toBe(201);
    const stored = await t.platform.db.kysely.selectFrom('platform_settings').selectAll().execute();
    expect(stored.map((r) => [r.name, r.value])).toEqual([['ALLOW_SIGNUP', true]]);
    const cleared = await t.request({ method: 'PATCH', url: '/v1/config', ...admin, payload: { ALLOW_SIGNUP: null } });
    expect(cleared.json().ALLOW_SIGNUP).toBe(false);
  });

  it('refuses settings that cannot change at run time or do not parse, changing nothing', async () => {
    const fixed = await t.request({
      method: 'PATCH',
      url: '/v1/config',
      ...admin,
      payload: { PORT: 1, LOG_LEVEL: 'debug' },
    });
    expect(fixed.statusCode).toBe(400);
    expect(fixed.json().errors).toEqual([{ path: 'PORT', message: expect.stringContaining('restart') }]);
    const bad = await t.request({ method: 'PATCH', url: '/v1/config', ...admin, payload: { LOG_LEVEL: 'loud' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain('LOG_LEVEL');
    expect(bad.json().errors).toEqual([{ path: 'LOG_LEVEL', message: expect.any(String) }]);
    const limits = await t.request({
      method: 'PATCH',
      url: '/v1/config',
      ...admin,
      payload: { CALLINGSCOUT_RATE_LIMITS: 'dail=5' },
    });
    expect(limits.statusCode).toBe(400);
    expect(limits.json().errors[0]).toEqual({
      path: 'CALLINGSCOUT_RATE_LIMITS',
      message: expect.stringContaining('dail: not an endpoint class'),
    });
    const now = await t.request({ method: 'GET', url: '/v1/config', ...admin });
    expect(now.json().LOG_LEVEL).toBe('silent');
  });
});
