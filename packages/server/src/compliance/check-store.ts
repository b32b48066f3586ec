import type { Kysely, Selectable } from 'kysely';
import type { ComplianceChecksTable, DB } from '../db/schema.js';
import { newId } from '../ids.js';
import type { DisclosureObligations } from './disclosure.js';
import type { GateResult } from './gate.js';
import type { Decision, GateInput, Verdict } from './types.js';

/**
 * Compliance checks in the database (`compliance_checks`, migration 000008). Checks are activity
 * objects: scoped by tenant and mode, so another tenant's check, or one of the other mode, does
 * not exist here.
 */

/** The API's view of a check (api.md, "Compliance"). */
export interface ComplianceCheck {
  id: string;
  object: 'compliance_check';
  livemode: boolean;
  kind: 'dial' | 'preview';
  call_id: string | null;
  to: string;
  from: string | null;
  agent_id: string | null;
  contact_id: string | null;
  decision: Decision;
  reasons: string[];
  not_before: string | null;
  obligations: DisclosureObligations;
  verdicts: Verdict[];
  evaluated_at: string;
  created_at: string;
}

function render(row: Selectable<ComplianceChecksTable>): ComplianceCheck {
  return {
    id: row.id,
    object: 'compliance_check',
    livemode: row.livemode,
    kind: row.kind,
    call_id: row.call_id,
    to: row.to_number,
    from: row.from_number,
    agent_id: row.agent_id,
    contact_id: row.contact_id,
    decision: row.decision,
    reasons: row.reasons,
    not_before: row.defer_until ? new Date(row.defer_until).toISOString() : null,
    obligations: row.obligations as unknown as DisclosureObligations,
    verdicts: row.verdicts as Verdict[],
    evaluated_at: new Date(row.evaluated_at).toISOString(),
    created_at: new Date(row.created_at).toISOString(),
  };
}

export async function insertCheck(
  db: Kysely<DB>,
  options: { input: GateInput; result: GateResult; fromNumber: string | null; evaluatedAt: number },
): Promise<ComplianceCheck> {
  const { input, result } = options;
  const row = await db
    .insertInto('compliance_checks')
    .values({
      id: newId('chk'),
      tenant_id: input.tenant.id,
      livemode: input.livemode,
      call_id: input.callId ?? null,
      kind: input.kind ?? 'dial',
      to_number: input.to,
      from_number: options.fromNumber,
      agent_id: input.agentId ?? null,
      contact_id: input.contactId ?? null,
      decision: result.decision,
      reasons: JSON.stringify(result.reasons),
      verdicts: JSON.stringify(result.verdicts),
      obligations: JSON.stringify(result.obligations),
      defer_until: result.deferUntil === undefined ? null : new Date(result.deferUntil),
      evaluated_at: new Date(options.evaluatedAt),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return render(row);
}

/** The tenant's check of this mode, or undefined. */
export async function findCheck(
  db: Kysely<DB>,
  where: { tenantId: string; livemode: boolean; id: string },
): Promise<ComplianceCheck | undefined> {
  const row = await db
    .selectFrom('compliance_checks')
    .selectAll()
    .where('tenant_id', '=', where.tenantId)
    .where('livemode', '=', where.livemode)
    .where('id', '=', where.id)
    .executeTakeFirst();
  return row ? render(row) : undefined;
}
