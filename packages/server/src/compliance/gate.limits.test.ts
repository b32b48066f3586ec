import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../db/schema.js';
import { createTestDatabase, type TestDatabase, testBackends } from '../testing/db.js';
import { decide } from './gate.js';
import { gate, seedNumber, seedTenant, seedUsedCheck, verdictOf, WEEKDAY_NOON_NY } from './test-fixtures.js';
import type { Verdict } from './types.js';

const HOUR = 3_600_000;
const FL = '+13055550100';
const ME = '+12075550100';
const NY = '+12125550100';

describe('combining verdicts into a decision', () => {
  const v = (outcome: Verdict['outcome'], notBefore?: string): Verdict => ({
    rule: 'dnc',
    outcome,
    code: outcome,
    reason: `r-${outcome}-${notBefore ?? ''}`,
    data: {},
    ...(notBefore ? { not_before: notBefore } : {}),
  });

  it('denies when any rule denies, even when others defer', () => {
    const r = decide([v('defer', '2026-06-10T15:00:00.000Z'), v('deny'), v('pass')]);
    expect(r.decision).toBe('deny');
    expect(r.deferUntil).toBeUndefined();
    expect(r.reasons).toEqual(['r-deny-']);
  });

  it('defers until the latest not_before among the deferring rules', () => {
    const r = decide([v('defer', '2026-06-10T15:00:00.000Z'), v('defer', '2026-06-11T01:00:00.000Z'), v('pass')]);
    expect(r.decision).toBe('defer');
    expect(new Date(r.deferUntil as number).toISOString()).toBe('2026-06-11T01:00:00.000Z');
    expect(r.reasons).toHaveLength(2);
  });
});

describe.each(testBackends())('compliance gate limits and obligations on %s', (backend) => {
  let t: TestDatabase;
  let tenant: Tenant;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    tenant = await seedTenant(t.db.kysely);
  });
  afterAll(async () => {
    await t?.drop();
  });
  const db = () => t.db.kysely;

  it('caps Florida at 3 attempts per 24 h and defers until the oldest leaves the window', async () => {
    const now = WEEKDAY_NOON_NY;
    await seedUsedCheck(db(), tenant, { to: FL, livemode: false, usedAt: now - 20 * HOUR });
    await seedUsedCheck(db(), tenant, { to: FL, livemode: false, usedAt: now - 2 * HOUR });
    // Older than 24 h and the other mode's attempts do not count.
    await seedUsedCheck(db(), tenant, { to: FL, livemode: false, usedAt: now - 25 * HOUR });
    await seedUsedCheck(db(), tenant, { to: FL, livemode: true, usedAt: now - HOUR });
    const second = await gate(db(), { tenant, to: FL }, { now });
    expect(verdictOf(second, 'frequency')).toMatchObject({
      outcome: 'pass',
      data: { caps: [{ max: 3, attempts: 2 }] },
    });
    await seedUsedCheck(db(), tenant, { to: FL, livemode: false, usedAt: now - HOUR });
    const third = await gate(db(), { tenant, to: FL }, { now });
    expect(third.decision).toBe('defer');
    expect(verdictOf(third, 'frequency').code).toBe('frequency_cap_reached');
    expect(third.not_before).toBe(new Date(now + 4 * HOUR).toISOString());
  });

  it('caps Maine at 1 automated call per 8 h', async () => {
    const now = WEEKDAY_NOON_NY;
    await seedUsedCheck(db(), tenant, { to: ME, livemode: false, usedAt: now - 9 * HOUR });
    expect((await gate(db(), { tenant, to: ME }, { now })).decision).toBe('allow');
    await seedUsedCheck(db(), tenant, { to: ME, livemode: false, usedAt: now - 3 * HOUR });
    const check = await gate(db(), { tenant, to: ME }, { now });
    expect(check.decision).toBe('defer');
    expect(check.not_before).toBe(new Date(now + 5 * HOUR).toISOString());
  });

  it('applies the tenant’s own cap where no state has one; previews never count as attempts', async () => {
    const capped = { ...tenant, settings: { ...tenant.settings, frequency_cap_per_24h: 1 } };
    expect(verdictOf(await gate(db(), { tenant, to: NY }), 'frequency').code).toBe('no_frequency_cap');
    await gate(db(), { tenant: capped, to: NY, kind: 'preview' });
    expect((await gate(db(), { tenant: capped, to: NY })).decision).toBe('allow');
    await seedUsedCheck(db(), tenant, { to: NY, livemode: false, usedAt: WEEKDAY_NOON_NY - HOUR });
    expect(verdictOf(await gate(db(), { tenant: capped, to: NY }), 'frequency').outcome).toBe('defer');
  });

  it('denies in live mode when the balance is empty; test mode never reads the balance', async () => {
    await seedNumber(db(), tenant.id, { phone: '+12125559000', livemode: true });
    const broke = { ...tenant, balance: 0 };
    const live = await gate(db(), { tenant: broke, livemode: true, to: NY });
    expect(live.decision).toBe('deny');
    expect(verdictOf(live, 'capacity').code).toBe('insufficient_balance');
    expect((await gate(db(), { tenant: broke, to: NY })).decision).toBe('allow');
  });

  it('defers at the tenant’s concurrency limit and at the number’s, as measured by the load probe', async () => {
    const probe = (tenantActive: number, numberActive: number) => async () => ({ tenantActive, numberActive });
    const limited = {
      ...tenant,
      concurrent_calls_limit: 2,
      settings: { ...tenant.settings, per_number_concurrency: 1 },
    };
    const now = WEEKDAY_NOON_NY;
    const full = await gate(db(), { tenant: limited, to: NY }, { load: probe(2, 0) });
    expect(verdictOf(full, 'capacity').code).toBe('concurrency_limit');
    expect(full.not_before).toBe(new Date(now + 15_000).toISOString());
    expect(verdictOf(await gate(db(), { tenant: limited, to: NY }, { load: probe(1, 1) }), 'capacity').code).toBe(
      'number_concurrency_limit',
    );
    expect(verdictOf(await gate(db(), { tenant: limited, to: NY }, { load: probe(1, 0) }), 'capacity').code).toBe(
      'capacity_available',
    );
    expect(verdictOf(await gate(db(), { tenant: limited, to: NY }), 'capacity').code).toBe('load_not_measured');
  });

  it('requires the recording notice for all-party and unknown states, not for one-party states or unrecorded calls', async () => {
    const notice = async (to: string, recording?: boolean) =>
      (await gate(db(), { tenant, to, recording }, { now: Date.parse('2026-06-10T19:00:00Z') })).obligations
        .recording_notice_required;
    expect(await notice('+13105550100')).toBe(true); // CA
    expect(await notice('+15035550100')).toBe(true); // OR, disputed: treated as all-party
    expect(await notice('+15005550001')).toBe(true); // no state known
    expect(await notice(NY)).toBe(false);
    expect(await notice('+13105550100', false)).toBe(false);
  });

  it('always requires the AI disclosure; the opt-out for telemarketing and for Pennsylvania', async () => {
    const obligations = async (to: string, telemarketing?: boolean) =>
      (await gate(db(), { tenant, to, telemarketing })).obligations;
    expect(await obligations(NY)).toMatchObject({ disclosure_required: true, opt_out_required: true });
    expect(await obligations(NY, false)).toMatchObject({ disclosure_required: true, opt_out_required: false });
    expect(await obligations('+12155550100', false)).toMatchObject({ opt_out_required: true });
  });
});
