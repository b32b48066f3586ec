import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDncEntry } from '../contacts/dnc.js';
import type { Tenant } from '../db/schema.js';
import { createTestDatabase, type TestDatabase, testBackends } from '../testing/db.js';
import { gate, seedAgent, seedContact, seedNumber, seedTenant, verdictOf, WEEKDAY_NOON_NY } from './test-fixtures.js';
import { RULE_NAMES } from './types.js';

const NY = '+12125550100';
const LA = '+13105550100';

describe.each(testBackends())('compliance gate rules on %s', (backend) => {
  let t: TestDatabase;
  let tenant: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    tenant = await seedTenant(t.db.kysely);
    other = await seedTenant(t.db.kysely, 'Other Co');
  });
  afterAll(async () => {
    await t?.drop();
  });
  const db = () => t.db.kysely;

  it('allows a call inside every rule, records all eight verdicts in order, and stores the check', async () => {
    const check = await gate(db(), { tenant, to: NY });
    expect(check.decision).toBe('allow');
    expect(check.id).toMatch(/^chk_/);
    expect(check.verdicts.map((v) => v.rule)).toEqual([...RULE_NAMES]);
    expect(check.verdicts.every((v) => v.outcome === 'pass')).toBe(true);
    expect(check.not_before).toBeNull();
    expect(check.obligations).toEqual({
      disclosure_required: true,
      recording_notice_required: false,
      opt_out_required: true,
    });
    expect(check.from).toMatch(/^\+1500555/); // the starter sandbox number
    const row = await db()
      .selectFrom('compliance_checks')
      .selectAll()
      .where('id', '=', check.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      tenant_id: tenant.id,
      livemode: false,
      decision: 'allow',
      kind: 'dial',
      to_number: NY,
    });
    expect((row.verdicts as unknown[]).length).toBe(RULE_NAMES.length);
  });

  it('denies a number on the DNC list and still records every other rule’s verdict', async () => {
    const listed = '+12125550111';
    await addDncEntry(db(), tenant.id, { phone: listed, source: 'api', reason: null });
    // 03:00 in New York: calling hours would defer too, and that verdict is kept.
    const check = await gate(db(), { tenant, to: listed }, { now: Date.parse('2026-06-10T07:00:00Z') });
    expect(check.decision).toBe('deny');
    expect(verdictOf(check, 'dnc')).toMatchObject({ outcome: 'deny', code: 'on_dnc_list' });
    expect(verdictOf(check, 'calling-hours').outcome).toBe('defer');
    expect(check.verdicts).toHaveLength(RULE_NAMES.length);
    expect(check.reasons).toEqual([`${listed} is on this account's do-not-call list.`]);
    expect(check.not_before).toBeNull();
    // DNC entries are shared by both modes; another tenant's list is not this one's.
    expect((await gate(db(), { tenant: other, to: listed })).decision).toBe('allow');
  });

  it('flags a national registry extract older than 31 days without refusing', async () => {
    const fresh = await seedTenant(db(), 'Registry Co');
    await db()
      .insertInto('dnc_entries')
      .values({
        tenant_id: fresh.id,
        phone: '+12125550999',
        source: 'registry',
        reason: null,
        created_at: new Date(WEEKDAY_NOON_NY - 40 * 86_400_000),
      })
      .execute();
    const check = await gate(db(), { tenant: fresh, to: NY });
    expect(verdictOf(check, 'dnc')).toMatchObject({
      outcome: 'pass',
      code: 'registry_stale',
      data: { registry_stale: true },
    });
    expect(check.decision).toBe('allow');
  });

  it('defers a call outside the callee’s hours to the next open minute, explained in local time', async () => {
    // 07:04Z is 00:04 in Los Angeles (PDT).
    const check = await gate(db(), { tenant, to: LA }, { now: Date.parse('2026-06-10T07:04:00Z') });
    expect(check.decision).toBe('defer');
    expect(check.not_before).toBe('2026-06-10T15:00:00.000Z'); // 08:00 PDT
    expect(check.reasons[0]).toMatch(
      /^It is 00:04 in Los Angeles; calls to this number may be placed from 08:00 local time/,
    );
  });

  it('treats sandbox scenario numbers as always inside their window, yet applies DNC to them', async () => {
    const threeAm = Date.parse('2026-06-10T07:00:00Z');
    const ok = await gate(db(), { tenant, to: '+15005550001' }, { now: threeAm });
    expect(ok.decision).toBe('allow');
    expect(verdictOf(ok, 'calling-hours').code).toBe('sandbox_scenario_number');
    await addDncEntry(db(), tenant.id, { phone: '+15005550006', source: 'call', reason: 'asked during a call' });
    const denied = await gate(db(), { tenant, to: '+15005550006' }, { now: threeAm });
    expect(denied.decision).toBe('deny');
    expect(verdictOf(denied, 'dnc').outcome).toBe('deny');
  });

  it('refuses a number without a time zone unless the contact has one (live mode has no scenario exception)', async () => {
    await seedNumber(db(), tenant.id, { phone: '+12125559000', livemode: true });
    await db().updateTable('tenants').set({ balance: 50 }).where('id', '=', tenant.id).execute();
    const live = { ...tenant, balance: 50 };
    const refused = await gate(db(), { tenant: live, livemode: true, to: '+15005550001' });
    expect(refused.decision).toBe('deny');
    expect(verdictOf(refused, 'calling-hours').code).toBe('no_time_zone');
    const contactId = await seedContact(db(), tenant.id, '+18005550100', 'America/Chicago');
    const tollFree = await gate(db(), { tenant: live, livemode: true, to: '+18005550100', contactId });
    expect(verdictOf(tollFree, 'calling-hours')).toMatchObject({
      outcome: 'pass',
      data: { zones: ['America/Chicago'], zones_from: 'contact' },
    });
  });

  it('lets the contact’s timezone replace the zones of a multi-zone number (208)', async () => {
    const winterMorning = Date.parse('2026-12-09T15:30:00Z'); // 08:30 Boise, 07:30 Los Angeles
    const both = await gate(db(), { tenant, to: '+12085551234' }, { now: winterMorning });
    expect(both.decision).toBe('defer');
    expect(both.not_before).toBe('2026-12-09T16:00:00.000Z');
    const contactId = await seedContact(db(), tenant.id, '+12085551234', 'America/Boise');
    const boise = await gate(db(), { tenant, to: '+12085551234', contactId }, { now: winterMorning });
    expect(boise.decision).toBe('allow');
  });

  it('answers 404 for another tenant’s contact', async () => {
    const contactId = await seedContact(db(), other.id, NY, null);
    await expect(gate(db(), { tenant, to: NY, contactId })).rejects.toMatchObject({ status: 404 });
  });

  it('denies an inactive agent and another tenant’s agent; an agent’s calling hours narrow the window', async () => {
    const inactive = await seedAgent(db(), tenant.id, { active: false });
    expect(verdictOf(await gate(db(), { tenant, to: NY, agentId: inactive }), 'agent')).toMatchObject({
      outcome: 'deny',
      code: 'agent_inactive',
    });
    const foreign = await seedAgent(db(), other.id);
    expect(verdictOf(await gate(db(), { tenant, to: NY, agentId: foreign }), 'agent')).toMatchObject({
      outcome: 'deny',
      code: 'agent_not_found',
    });
    const afternoons = await seedAgent(db(), tenant.id, {
      calling_hours: { start: '14:00', end: '17:00', days: ['wed'] },
    });
    const check = await gate(db(), { tenant, to: NY, agentId: afternoons });
    expect(check.decision).toBe('defer');
    expect(check.not_before).toBe('2026-06-10T18:00:00.000Z'); // 14:00 EDT
  });

  it('denies a caller ID that is missing, not the tenant’s, unverified or not attestation A', async () => {
    const live = { ...tenant, balance: 50 };
    const code = async (fromNumber: string | undefined, who = live) =>
      verdictOf(await gate(db(), { tenant: who, livemode: true, to: NY, fromNumber }), 'caller-id').code;
    expect(await code(undefined, { ...other, balance: 50 })).toBe('no_caller_id');
    expect(await code('+12125559999')).toBe('caller_id_not_owned');
    await seedNumber(db(), other.id, { phone: '+12125559001', livemode: true });
    expect(await code('+12125559001')).toBe('caller_id_not_owned');
    await seedNumber(db(), tenant.id, { phone: '+12125559002', livemode: true, verified: false, attestation: null });
    expect(await code('+12125559002')).toBe('caller_id_unverified');
    await seedNumber(db(), tenant.id, { phone: '+12125559003', livemode: true, attestation: 'B' });
    expect(await code('+12125559003')).toBe('caller_id_attestation');
    expect(await code('+12125559000')).toBe('caller_id_verified');
    // A test-mode number is not a live-mode caller ID.
    const sandbox = (await gate(db(), { tenant, to: NY })).from as string;
    expect(await code(sandbox)).toBe('caller_id_not_owned');
  });
});
