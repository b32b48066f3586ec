import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_NAMES } from '../../compliance/types.js';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

const CHECK_FIELDS = [
  'id',
  'object',
  'livemode',
  'kind',
  'call_id',
  'to',
  'from',
  'agent_id',
  'contact_id',
  'decision',
  'reasons',
  'not_before',
  'obligations',
  'verdicts',
  'evaluated_at',
  'created_at',
];

/** The next 10 June (a summer date: PDT and EDT) in the future, so `at` stays within a year of now. */
function nextJune10(time: string): string {
  const now = new Date();
  let year = now.getUTCFullYear();
  if (Date.parse(`${year}-06-10T${time}Z`) <= now.getTime()) year += 1;
  return `${year}-06-10T${time}Z`;
}

function expectFieldError(res: LightMyRequestResponse, path: string): void {
  expect(res.statusCode, res.body).toBe(400);
  const body = res.json();
  expect(body.code).toBe('validation_error');
  expect(typeof body.detail).toBe('string');
  expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
}

describe.each(testBackends())(
  'compliance API: POST /v1/compliance/check and GET /v1/compliance/checks/{id} on %s',
  (backend) => {
    let t: TestPlatform;

    beforeAll(async () => {
      t = await startTestPlatform(backend);
    });
    afterAll(async () => {
      await t?.close();
    });

    const check = (payload: unknown, key = t.testKey, headers: Record<string, string> = {}) =>
      t.request({ method: 'POST', url: '/v1/compliance/check', key, payload: payload as object, headers });
    const get = (id: string, key = t.testKey) => t.request({ method: 'GET', url: `/v1/compliance/checks/${id}`, key });

    it('shows the decision for a number in national form at a given instant, stored as a preview', async () => {
      const at = nextJune10('16:00:00');
      const res = await check({ to: '(212) 555-0100', at, telemarketing: false });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(Object.keys(body)).toEqual(CHECK_FIELDS);
      expect(body).toMatchObject({
        object: 'compliance_check',
        livemode: false,
        kind: 'preview',
        to: '+12125550100',
        decision: 'allow',
        not_before: null,
        evaluated_at: at.replace('Z', '.000Z'),
        obligations: { disclosure_required: true, recording_notice_required: false, opt_out_required: false },
      });
      expect(body.id).toMatch(/^chk_/);
      expect(body.verdicts.map((v: { rule: string }) => v.rule)).toEqual([...RULE_NAMES]);
      const again = await get(body.id);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(body);
    });

    it('explains a deferral with the next open instant', async () => {
      // 06:04Z on 10 June is 23:04 on 9 June in Los Angeles (PDT); it opens at 08:00 PDT, 15:00Z.
      const at = nextJune10('06:04:00');
      const res = await check({ to: '+13105550100', at });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ decision: 'defer', not_before: at.replace('06:04:00Z', '15:00:00.000Z') });
      expect(res.json().reasons[0]).toMatch(
        /It is 23:04 in Los Angeles; calls to this number may be placed from 08:00 local time/,
      );
    });

    it('shows a denial as a decision (200), with its reasons', async () => {
      const dnc = await t.request({
        method: 'POST',
        url: '/v1/dnc',
        key: t.testKey,
        payload: { phone: '+12125550177' },
      });
      expect(dnc.statusCode, dnc.body).toBeLessThan(300);
      const res = await check({ to: '+12125550177', agent_id: 'agt_missing' });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.decision).toBe('deny');
      expect(body.reasons).toHaveLength(2);
      expect(body.verdicts.find((v: { rule: string }) => v.rule === 'agent').code).toBe('agent_not_found');
    });

    it('answers 400 with per-field errors for bad input, and writes nothing', async () => {
      const before = await t.platform.db.kysely
        .selectFrom('compliance_checks')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expectFieldError(await check({}), 'to');
      expectFieldError(await check({ to: 'not a number' }), 'to');
      expectFieldError(await check({ to: '+19999999999' }), 'to');
      expectFieldError(await check({ to: '+12125550100', from_number: '12' }), 'from_number');
      expectFieldError(await check({ to: '+12125550100', at: 'tomorrow' }), 'at');
      const farOff = new Date(Date.now() + 400 * 86_400_000).toISOString();
      expectFieldError(await check({ to: '+12125550100', at: farOff }), 'at');
      expectFieldError(await check({ to: '+12125550100', telemarketing: 'yes' }), 'telemarketing');
      expectFieldError(await check({ to: '+12125550100', purpose: 'sales' }), '');
      const after = await t.platform.db.kysely
        .selectFrom('compliance_checks')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });

    it('answers 404 for a contact that is not the tenant’s', async () => {
      const res = await check({ to: '+12125550100', contact_id: 'ctc_nope' });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('not_found');
    });

    it('keeps checks to their tenant and mode: another tenant’s or the other mode’s check is 404', async () => {
      const mine = (await check({ to: '+12125550100' })).json();
      const other = await t.createTenant('Isolation Co');
      expect((await get(mine.id, other.testKey)).statusCode).toBe(404);
      expect((await get(mine.id, t.liveKey)).statusCode).toBe(404);
      expect((await get(mine.id)).statusCode).toBe(200);
      // The other tenant's own decision reads its own numbers: it has its own sandbox number.
      const theirs = (await check({ to: '+12125550100' }, other.testKey)).json();
      expect(theirs.from).not.toBe(mine.from);
    });

    it('replays a check sent again with the same Idempotency-Key', async () => {
      const headers = { 'idempotency-key': 'chk-replay-1' };
      const first = await check({ to: '+12125550100' }, t.testKey, headers);
      const second = await check({ to: '+12125550100' }, t.testKey, headers);
      expect(second.headers['x-idempotent-replay']).toBe('true');
      expect(second.json().id).toBe(first.json().id);
    });
  },
);
