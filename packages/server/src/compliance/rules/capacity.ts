import type { Rule } from '../types.js';

/**
 * Rule `capacity` (compliance.md): the tenant's concurrent-call limit, the caller-ID number's
 * concurrency (`settings.per_number_concurrency`, unlimited when unset: carriers bound calls per
 * second, not calls per number) and, in live mode, the balance. A full slot defers by
 * `RETRY_AFTER_MS` (a slot frees when any call ends, which no clock predicts); an empty balance
 * denies (402 semantics). Test mode is never charged (sandbox.md), so its balance is not read.
 * Active calls are measured by the calls subsystem through `GateOptions.load`.
 */

/** How long a capacity deferral waits before the dialer asks again. */
export const RETRY_AFTER_MS = 15_000;

export const capacityRule: Rule = async ({ input, now, from, load }) => {
  const { tenant } = input;
  const balance = Number(tenant.balance);
  const perNumber = (tenant.settings as { per_number_concurrency?: unknown } | null)?.per_number_concurrency;
  const numberLimit = typeof perNumber === 'number' && perNumber >= 1 ? perNumber : null;
  const measured = load
    ? await load({ tenantId: tenant.id, livemode: input.livemode, fromNumber: from?.phone_number ?? null })
    : undefined;
  const data = {
    balance: input.livemode ? balance : null,
    concurrent_calls_limit: tenant.concurrent_calls_limit,
    per_number_limit: numberLimit,
    tenant_active: measured?.tenantActive ?? null,
    number_active: measured?.numberActive ?? null,
    load_measured: measured !== undefined,
  };

  if (input.livemode && !(balance > 0))
    return {
      rule: 'capacity',
      outcome: 'deny',
      code: 'insufficient_balance',
      reason: `The account balance (${balance.toFixed(2)}) cannot cover a call; top it up to place calls.`,
      data,
    };
  const retry = new Date(now + RETRY_AFTER_MS).toISOString();
  if (measured && measured.tenantActive >= tenant.concurrent_calls_limit)
    return {
      rule: 'capacity',
      outcome: 'defer',
      code: 'concurrency_limit',
      reason: `${measured.tenantActive} calls are in progress, the account's limit of ${tenant.concurrent_calls_limit}; the call waits for one to end.`,
      not_before: retry,
      data,
    };
  if (measured && numberLimit !== null && measured.numberActive >= numberLimit)
    return {
      rule: 'capacity',
      outcome: 'defer',
      code: 'number_concurrency_limit',
      reason: `${from?.phone_number} already has ${measured.numberActive} calls in progress, its limit of ${numberLimit}.`,
      not_before: retry,
      data,
    };
  return {
    rule: 'capacity',
    outcome: 'pass',
    code: measured ? 'capacity_available' : 'load_not_measured',
    reason: measured
      ? `${measured.tenantActive} of ${tenant.concurrent_calls_limit} concurrent calls in use.`
      : 'The balance allows a call; concurrent calls were not measured for this check.',
    data,
  };
};
