import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { notFound } from '../errors.js';
import { defaultNumber, findByNumber } from '../phone-numbers/store.js';
import { locateCallee } from './callee-location.js';
import { type ComplianceCheck, insertCheck } from './check-store.js';
import type { DisclosureObligations } from './disclosure.js';
import { agentRule } from './rules/agent.js';
import { callerIdRule } from './rules/caller-id.js';
import { callingHoursRule } from './rules/calling-hours.js';
import { capacityRule } from './rules/capacity.js';
import { consentRecordingRule } from './rules/consent-recording.js';
import { disclosureRule } from './rules/disclosure.js';
import { dncRule } from './rules/dnc.js';
import { frequencyRule } from './rules/frequency.js';
import type { Decision, GateInput, GateOptions, Rule, RuleContext, Verdict } from './types.js';

/**
 * The compliance gate (compliance.md): `checkCompliance` gathers the facts of one dial once (where
 * the callee is, the agent, the contact, the caller-ID number), runs every rule on them, records
 * every verdict (a deny does not stop the others: the record says everything that was wrong) and
 * stores the decision as a `compliance_checks` row. Any deny → `deny`; else any defer → `defer`
 * until the latest `not_before`; else `allow` with the obligations the rules set.
 */

/** Every rule compliance.md lists, in the order of `RULE_NAMES`. */
export const RULES: readonly Rule[] = [
  agentRule,
  callerIdRule,
  dncRule,
  callingHoursRule,
  frequencyRule,
  capacityRule,
  consentRecordingRule,
  disclosureRule,
];

export interface GateResult {
  decision: Decision;
  verdicts: Verdict[];
  /** One sentence per rule that deferred or denied. */
  reasons: string[];
  obligations: DisclosureObligations;
  /** For `defer`: when every deferring rule would pass (ms since the epoch). */
  deferUntil: number | undefined;
}

/** Combines verdicts into the decision. Pure: the unit tests of the combination use it directly. */
export function decide(verdicts: readonly Verdict[]): GateResult {
  const denied = verdicts.filter((v) => v.outcome === 'deny');
  const deferred = verdicts.filter((v) => v.outcome === 'defer');
  const decision: Decision = denied.length ? 'deny' : deferred.length ? 'defer' : 'allow';
  const obligations: DisclosureObligations = {
    disclosure_required: verdicts.some((v) => v.obligations?.disclosure_required),
    recording_notice_required: verdicts.some((v) => v.obligations?.recording_notice_required),
    opt_out_required: verdicts.some((v) => v.obligations?.opt_out_required),
  };
  const deferUntil =
    decision === 'defer' ? Math.max(...deferred.map((v) => Date.parse(v.not_before as string))) : undefined;
  const reasons = (decision === 'deny' ? denied : deferred).map((v) => v.reason);
  return { decision, verdicts: [...verdicts], reasons, obligations, deferUntil };
}

/** Gathers the facts every rule reads; an unknown contact is the caller's mistake (404). */
async function gatherFacts(db: Kysely<DB>, input: GateInput, options: GateOptions): Promise<RuleContext> {
  const tenantId = input.tenant.id;
  const [agent, contact, from] = await Promise.all([
    input.agentId
      ? db
          .selectFrom('agents')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('id', '=', input.agentId)
          .where('deleted_at', 'is', null)
          .executeTakeFirst()
      : undefined,
    input.contactId
      ? db
          .selectFrom('contacts')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('id', '=', input.contactId)
          .executeTakeFirst()
      : undefined,
    input.fromNumber
      ? findByNumber(db, { tenantId, livemode: input.livemode, phoneNumber: input.fromNumber })
      : defaultNumber(db, tenantId, input.livemode),
  ]);
  if (input.contactId && !contact) throw notFound('contact', input.contactId);
  return {
    db,
    input,
    now: options.now,
    callee: locateCallee(input.to),
    contact,
    agent,
    from,
    caller: from ? locateCallee(from.phone_number) : null,
    load: options.load,
  };
}

/** Runs every rule on the facts and combines their verdicts, without storing anything. */
export async function evaluateCompliance(
  db: Kysely<DB>,
  input: GateInput,
  options: GateOptions,
): Promise<GateResult & { facts: RuleContext }> {
  const facts = await gatherFacts(db, input, options);
  const verdicts = await Promise.all(RULES.map((rule) => rule(facts)));
  return { ...decide(verdicts), facts };
}

/** The gate: evaluates every rule and stores the decision; the stored check is returned. */
export async function checkCompliance(
  db: Kysely<DB>,
  input: GateInput,
  options: GateOptions,
): Promise<ComplianceCheck> {
  const result = await evaluateCompliance(db, input, options);
  return insertCheck(db, {
    input,
    result,
    fromNumber: result.facts.from?.phone_number ?? input.fromNumber ?? null,
    evaluatedAt: options.now,
  });
}
