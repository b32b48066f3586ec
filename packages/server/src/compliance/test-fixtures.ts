import type { Kysely } from 'kysely';
import { createTenantWithKeys } from '../accounts/tenants.js';
import type { Attestation, DB, Tenant } from '../db/schema.js';
import { newId } from '../ids.js';
import { type ComplianceCheck, insertCheck } from './check-store.js';
import { checkCompliance, decide } from './gate.js';
import type { CallLoadProbe, GateInput, Verdict } from './types.js';

/** Seeds for the gate's tests: tenants, numbers, agents, contacts and used checks, written directly. */

/** A Wednesday, 12:00 in New York (EDT) and 09:00 in Los Angeles: inside every weekday window. */
export const WEEKDAY_NOON_NY = Date.parse('2026-06-10T16:00:00Z');

export async function seedTenant(db: Kysely<DB>, name = 'Acme Dental LLC'): Promise<Tenant> {
  const { tenant } = await createTenantWithKeys(db, { name });
  return tenant;
}

export async function seedNumber(
  db: Kysely<DB>,
  tenantId: string,
  number: { phone: string; livemode: boolean; verified?: boolean; attestation?: Attestation | null },
): Promise<string> {
  const id = newId('num');
  await db
    .insertInto('phone_numbers')
    .values({
      id,
      tenant_id: tenantId,
      livemode: number.livemode,
      phone_number: number.phone,
      country: 'US',
      carrier: number.livemode ? 'twilio' : 'sandbox',
      source: 'verified',
      capabilities: JSON.stringify({ voice: true, sms: false }),
      verified: number.verified ?? true,
      attestation: number.attestation === undefined ? 'A' : number.attestation,
    })
    .execute();
  return id;
}

export async function seedAgent(
  db: Kysely<DB>,
  tenantId: string,
  agent: { active?: boolean; calling_hours?: unknown } = {},
): Promise<string> {
  const id = newId('agt');
  await db
    .insertInto('agents')
    .values({
      id,
      tenant_id: tenantId,
      name: 'Reminder agent',
      is_active: agent.active ?? true,
      config: JSON.stringify({ calling_hours: agent.calling_hours ?? null }),
      view: null,
    })
    .execute();
  return id;
}

export async function seedContact(
  db: Kysely<DB>,
  tenantId: string,
  phone: string,
  timezone: string | null,
): Promise<string> {
  const id = newId('ctc');
  await db
    .insertInto('contacts')
    .values({ id, tenant_id: tenantId, phone, timezone, tags: '[]', custom_fields: '{}', metadata: '{}' })
    .execute();
  return id;
}

/** A check that a dial attempt used at `usedAt`, as the attempt guard leaves it: what `frequency` counts. */
export async function seedUsedCheck(
  db: Kysely<DB>,
  tenant: Tenant,
  options: { to: string; livemode: boolean; usedAt: number },
): Promise<void> {
  const check = await insertCheck(db, {
    input: { tenant, livemode: options.livemode, to: options.to },
    result: decide([]),
    fromNumber: null,
    evaluatedAt: options.usedAt,
  });
  await db
    .updateTable('compliance_checks')
    .set({ used_at: new Date(options.usedAt) })
    .where('id', '=', check.id)
    .execute();
}

/** Runs the gate with test defaults (test mode, now = a weekday noon in New York). */
export function gate(
  db: Kysely<DB>,
  input: Partial<GateInput> & Pick<GateInput, 'tenant' | 'to'>,
  options: { now?: number; load?: CallLoadProbe } = {},
): Promise<ComplianceCheck> {
  return checkCompliance(
    db,
    { livemode: false, ...input },
    { now: options.now ?? WEEKDAY_NOON_NY, load: options.load },
  );
}

export function verdictOf(check: ComplianceCheck, rule: Verdict['rule']): Verdict {
  const v = check.verdicts.find((x) => x.rule === rule);
  if (!v) throw new Error(`no verdict of rule ${rule}`);
  return v;
}
