import type { Kysely } from 'kysely';
import type { AgentRow, ContactRow, DB, PhoneNumberRow, Tenant } from '../db/schema.js';
import type { CalleeLocation } from './callee-location.js';
import type { DisclosureObligations } from './disclosure.js';

/**
 * The compliance gate's vocabulary (compliance.md, "Decision"): a rule looks at the facts of one
 * dial and returns a verdict; the gate combines every verdict into one decision.
 */

/** The rules compliance.md lists, in the order the gate runs and records them. */
export const RULE_NAMES = [
  'agent',
  'caller-id',
  'dnc',
  'calling-hours',
  'frequency',
  'capacity',
  'consent-recording',
  'disclosure',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export type Decision = 'allow' | 'defer' | 'deny';

/** One rule's answer. */
export interface Verdict {
  rule: RuleName;
  /** `pass`: this rule does not stand in the way (it may still add obligations). */
  outcome: 'pass' | 'defer' | 'deny';
  /** Stable snake_case, for programs (`on_dnc_list`, `outside_calling_hours`, …). */
  code: string;
  /** A sentence for a person: what the rule found and, when it refuses, what would change that. */
  reason: string;
  /** For `defer`: the earliest instant (ISO-8601 UTC) at which this rule would pass. */
  not_before?: string;
  /** What the call must do if it goes ahead. */
  obligations?: Partial<DisclosureObligations>;
  /** The facts the rule used, kept with the decision (the number's zones, the cap, the count…). */
  data: Record<string, unknown>;
}

/** A calling window in the callee's local time (the agent's or a campaign's `calling_hours`). */
export interface CallingHours {
  start: string;
  end: string;
  days: readonly string[];
}

/** Active calls right now, measured by the calls subsystem (which owns the call table). */
export interface CallLoad {
  /** The tenant's calls in progress (ringing or answered) in this mode. */
  tenantActive: number;
  /** Calls in progress from the caller-ID number. */
  numberActive: number;
}

/** Measures `CallLoad`; the capacity rule reports "not measured" when the gate has none. */
export type CallLoadProbe = (query: {
  tenantId: string;
  livemode: boolean;
  fromNumber: string | null;
}) => Promise<CallLoad>;

/** The tenant fields the gate reads. */
export type GateTenant = Pick<Tenant, 'id' | 'name' | 'settings' | 'balance' | 'concurrent_calls_limit'>;

/** What the gate is asked about. */
export interface GateInput {
  tenant: GateTenant;
  livemode: boolean;
  /** The callee, E.164 (normalise first: contacts/phone.ts). */
  to: string;
  /** The caller-ID number, E.164; the tenant's default number of this mode when absent. */
  fromNumber?: string | null | undefined;
  agentId?: string | null | undefined;
  /** A contact whose `timezone` overrides the zones derived from the number (mobiles travel). */
  contactId?: string | null | undefined;
  /** The call the check is for; the attempt guard requires the attempt to be of this call. */
  callId?: string | null | undefined;
  /** `dial` (the default) for an attempt; `preview` for a check shown without dialling. */
  kind?: 'dial' | 'preview' | undefined;
  /** Telemarketing (a sales call) adds the opt-out obligation; unknown is treated as telemarketing. */
  telemarketing?: boolean | undefined;
  /** Whether the call will be recorded (default true): recording adds the notice in all-party states. */
  recording?: boolean | undefined;
  /** A campaign's own window, in the callee's local time; narrows the others. */
  campaignHours?: CallingHours | null | undefined;
}

export interface GateOptions {
  /** The instant to decide for, ms since the epoch (the platform clock, or a preview's `at`). */
  now: number;
  /** Active calls; without it the capacity rule checks the balance only and says so. */
  load?: CallLoadProbe | undefined;
}

/** Everything a rule may look at, gathered once by the gate. */
export interface RuleContext {
  db: Kysely<DB>;
  input: GateInput;
  now: number;
  callee: CalleeLocation;
  /** The contact named by `contactId`, when there is one. */
  contact: ContactRow | undefined;
  /** The agent named by `agentId`, when it exists for this tenant. */
  agent: AgentRow | undefined;
  /** The resolved caller-ID number row of this tenant and mode, when there is one. */
  from: PhoneNumberRow | undefined;
  /** Where the caller-ID number is (its state feeds `consent-recording`). */
  caller: CalleeLocation | null;
  load: CallLoadProbe | undefined;
}

/** A rule: one module under rules/, the same signature for all. */
export type Rule = (ctx: RuleContext) => Promise<Verdict> | Verdict;
