import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../config.js';
import { CODE_TTL_MS, hashCode, MAX_ATTEMPTS } from '../../phone-numbers/verification.js';
import { type Platform, startPlatform } from '../../platform.js';
import { createTestDatabase, type TestDatabase, testBackends } from '../../testing/db.js';

/**
 * The caller-ID verification flow on a platform whose clock the test moves (`ctx.now`), so the
 * 10-minute expiry is tested without waiting.
 */
describe.each(testBackends())('phone numbers API: caller-ID verification on %s', (backend) => {
  let platform: Platform;
  let testDb: TestDatabase;
  let dataDir: string;
  let key: string;
  let liveKey: string;
  let clock = Date.parse('2026-11-23T12:00:00.000Z');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cs-test-'));
    testDb = await createTestDatabase(backend, { migrated: false });
    platform = await startPlatform({
      db: testDb.db,
      now: () => clock,
      settings: parseSettings({ CALLINGSCOUT_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, 'test settings'),
    });
    key = platform.bootstrap!.keys.test.secret;
    liveKey = platform.bootstrap!.keys.live.secret;
  });
  afterAll(async () => {
    await platform?.close();
    await testDb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const request = (options: InjectOptions & { as?: string }) =>
    platform.app.inject({ ...options, headers: { authorization: `Bearer ${options.as ?? key}`, ...options.headers } });
  const verify = (phone_number: string, as?: string) =>
    request({ method: 'POST', url: '/v1/phone-numbers/verify', payload: { phone_number }, ...(as ? { as } : {}) });
  const confirm = (id: string, code: string, headers: Record<string, string> = {}) =>
    request({ method: 'POST', url: `/v1/phone-numbers/${id}/verify/confirm`, payload: { code }, headers });
  const delivered = async (id: string) => {
    const res = await request({ method: 'GET', url: `/v1/phone-numbers/${id}/verify/sandbox-delivery` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const wrongCodeFor = (code: string) => (code === '000000' ? '000001' : '000000');
  const row = (id: string) =>
    platform.db.kysely.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('start → the code delivered by the sandbox carrier → confirm: verified with attestation A', async () => {
    const res = await verify('(415) 555-0101'); // national form, read with default_region US
    expect(res.statusCode, res.body).toBe(201);
    const pending = res.json();
    expect(pending).toMatchObject({
      object: 'phone_number',
      livemode: false,
      phone_number: '+14155550101',
      country: 'US',
      carrier: 'sandbox',
      verified: false,
      attestation: null,
      is_default: false,
      verification: {
        status: 'pending',
        channel: 'call',
        expires_at: new Date(clock + CODE_TTL_MS).toISOString(),
        attempts_left: MAX_ATTEMPTS,
      },
    });

    const delivery = await delivered(pending.id);
    expect(delivery).toMatchObject({
      object: 'sandbox_delivery',
      phone_number_id: pending.id,
      phone_number: '+14155550101',
      channel: 'call',
      code: expect.stringMatching(/^\d{6}$/),
      delivered_at: new Date(clock).toISOString(),
    });
    expect(delivery.message).toContain(delivery.code.split('').join(' '));
    // Stored hashed, never in clear.
    const stored = await row(pending.id);
    expect(stored.verification_code_hash).toBe(hashCode(pending.id, delivery.code));
    expect(JSON.stringify(stored)).not.toContain(delivery.code);

    // An unverified number cannot be the default.
    const notYet = await request({
      method: 'PATCH',
      url: `/v1/phone-numbers/${pending.id}`,
      payload: { is_default: true },
    });
    expect(notYet.statusCode).toBe(400);
    expect(notYet.json().errors[0].path).toBe('is_default');

    clock += 60_000;
    const ok = await confirm(pending.id, delivery.code);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      id: pending.id,
      verified: true,
      attestation: 'A',
      verification: { status: 'verified', channel: 'call', expires_at: null, attempts_left: null },
    });
    expect((await request({ method: 'GET', url: `/v1/phone-numbers/${pending.id}` })).json()).toEqual(ok.json());
    expect((await row(pending.id)).verification_code_hash).toBeNull();

    // Done: confirming again, or starting again, is a conflict.
    const again = await confirm(pending.id, delivery.code);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('not_pending_verification');
    const restart = await verify('+14155550101');
    expect(restart.statusCode).toBe(409);
    expect(restart.json().code).toBe('already_verified');
  });

  it('a wrong code answers 400 with the attempts left; the fifth expires it (410) and the right code no longer works', async () => {
    const pending = (await verify('+14155550102')).json();
    const { code } = await delivered(pending.id);
    for (let left = MAX_ATTEMPTS - 1; left >= 1; left--) {
      const res = await confirm(pending.id, wrongCodeFor(code));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'incorrect_code', attempts_left: left });
      expect(res.json().errors).toEqual([{ path: 'code', message: `incorrect code; ${left} attempts left` }]);
      expect(
        (await request({ method: 'GET', url: `/v1/phone-numbers/${pending.id}` })).json().verification.attempts_left,
      ).toBe(left);
    }
    const fifth = await confirm(pending.id, wrongCodeFor(code));
    expect(fifth.statusCode).toBe(410);
    expect(fifth.json().code).toBe('verification_expired');
    expect(fifth.json().detail).toContain('POST /v1/phone-numbers/verify');
    const right = await confirm(pending.id, code);
    expect(right.statusCode).toBe(410);
    const after = (await request({ method: 'GET', url: `/v1/phone-numbers/${pending.id}` })).json();
    expect(after).toMatchObject({
      verified: false,
      verification: { status: 'expired', attempts_left: 0, expires_at: null },
    });

    // A new start on the same number sends a new code on the same object, with all attempts back.
    const restart = await verify('+14155550102');
    expect(restart.statusCode, restart.body).toBe(200);
    expect(restart.json()).toMatchObject({
      id: pending.id,
      verification: { status: 'pending', attempts_left: MAX_ATTEMPTS },
    });
    const fresh = await delivered(pending.id);
    expect((await confirm(pending.id, fresh.code)).json()).toMatchObject({ verified: true, attestation: 'A' });
  });

  it('a code expires after 10 minutes by the platform clock', async () => {
    const pending = (await verify('+14155550103')).json();
    const { code } = await delivered(pending.id);
    clock += CODE_TTL_MS - 1;
    const stillPending = (await request({ method: 'GET', url: `/v1/phone-numbers/${pending.id}` })).json();
    expect(stillPending.verification.status).toBe('pending');
    clock += 1;
    const listed = (await request({ method: 'GET', url: '/v1/phone-numbers?limit=100' })).json().data;
    expect(listed.find((n: { id: string }) => n.id === pending.id).verification).toMatchObject({ status: 'expired' });
    const late = await confirm(pending.id, code);
    expect(late.statusCode).toBe(410);
    expect(late.json().code).toBe('verification_expired');
    expect(late.json().detail).toContain('10 minutes');
    expect((await row(pending.id)).verified).toBe(false);
  });

  it('a wrong guess still counts when the answer is replayed from an Idempotency-Key', async () => {
    const pending = (await verify('+14155550104')).json();
    const { code } = await delivered(pending.id);
    const headers = { 'idempotency-key': 'guess-1' };
    const first = await confirm(pending.id, wrongCodeFor(code), headers);
    const replay = await confirm(pending.id, wrongCodeFor(code), headers);
    expect(first.statusCode).toBe(400);
    expect(replay.json()).toEqual(first.json());
    // The replay did not run the handler: one attempt spent, not two.
    expect((await row(pending.id)).verification_attempts_left).toBe(MAX_ATTEMPTS - 1);
  });

  it('refuses malformed input with 400 at the field and consumes no attempt', async () => {
    const bad = await verify('not a number');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: 'phone_number', message: "'not a number' is not a phone number" }]);
    const invalid = await verify('+1 555 555 5555');
    expect(invalid.json().errors).toEqual([
      { path: 'phone_number', message: "'+1 555 555 5555' is not a valid phone number" },
    ]);
    const missing = await request({ method: 'POST', url: '/v1/phone-numbers/verify', payload: {} });
    expect(missing.json().errors[0].path).toBe('phone_number');

    const pending = (await verify('+14155550105')).json();
    for (const code of ['12345', '1234567', 'abcdef', '']) {
      const res = await confirm(pending.id, code);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('validation_error');
      expect(res.json().errors[0].path).toBe('code');
    }
    expect((await row(pending.id)).verification_attempts_left).toBe(MAX_ATTEMPTS);
  });

  it('a provisioned number has no verification to confirm, and no sandbox delivery', async () => {
    const number = (
      await request({ method: 'POST', url: '/v1/phone-numbers/provision', payload: { country: 'US' } })
    ).json();
    expect((await confirm(number.id, '123456')).statusCode).toBe(409);
    const none = await request({ method: 'GET', url: `/v1/phone-numbers/${number.id}/verify/sandbox-delivery` });
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe('no_sandbox_delivery');
  });

  it('the sandbox delivery is test mode only; a live key gets 400 test_mode_only', async () => {
    const pending = (await verify('+14155550106')).json();
    const res = await request({
      method: 'GET',
      url: `/v1/phone-numbers/${pending.id}/verify/sandbox-delivery`,
      as: liveKey,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('test_mode_only');
    expect((await verify('+14155550106', liveKey)).statusCode).toBe(503);
  });
});
