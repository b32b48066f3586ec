import { type FrequencyCap, STATE_RULES } from '../data/state-windows.js';
import type { Rule } from '../types.js';

/**
 * Rule `frequency` (compliance.md): attempts to this number in the last hours, across all
 * campaigns and calls of the tenant in this mode, stay within the strictest applicable cap: the
 * callee's state (FL, OK, MD: 3 per 24 h; ME: 1 per 8 h) and the tenant's own
 * `settings.frequency_cap_per_24h`. An attempt is a check that a dial attempt used (the attempt
 * guard stamps `used_at`), so a preview or a refused check never counts. At the cap, defer until
 * the oldest counted attempt leaves the window.
 */

/** The longest window any cap uses; one query reads it, each cap counts within its own. */
const MAX_WINDOW_HOURS = 24;
const HOUR_MS = 3_600_000;

function tenantCap(settings: unknown): FrequencyCap | undefined {
  const value = (settings as { frequency_cap_per_24h?: unknown } | null)?.frequency_cap_per_24h;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? { max: value, per_hours: 24 } : undefined;
}

export const frequencyRule: Rule = async ({ db, input, now, callee }) => {
  const caps: Array<FrequencyCap & { source: string }> = [];
  const stateCap = callee.state ? STATE_RULES[callee.state]?.frequency : undefined;
  if (stateCap) caps.push({ ...stateCap, source: `state:${callee.state}` });
  const own = tenantCap(input.tenant.settings);
  if (own) caps.push({ ...own, source: 'tenant' });
  if (caps.length === 0)
    return {
      rule: 'frequency',
      outcome: 'pass',
      code: 'no_frequency_cap',
      reason: `No frequency cap applies to ${input.to}.`,
      data: { caps: [] },
    };

  const largest = Math.max(...caps.map((c) => c.max));
  const rows = await db
    .selectFrom('compliance_checks')
    .select('used_at')
    .where('tenant_id', '=', input.tenant.id)
    .where('livemode', '=', input.livemode)
    .where('to_number', '=', input.to)
    .where('used_at', '>', new Date(now - MAX_WINDOW_HOURS * HOUR_MS))
    .where('used_at', '<=', new Date(now))
    .orderBy('used_at', 'desc')
    .limit(largest)
    .execute();
  const attempts = rows.map((r) => new Date(r.used_at as Date).getTime()); // newest first

  let notBefore: number | undefined;
  const counted = caps.map((cap) => {
    const inWindow = attempts.filter((t) => t > now - cap.per_hours * HOUR_MS);
    if (inWindow.length >= cap.max) {
      // The cap frees a slot when the max-th newest attempt ages out of the window.
      const frees = (inWindow[cap.max - 1] as number) + cap.per_hours * HOUR_MS;
      notBefore = Math.max(notBefore ?? 0, frees);
    }
    return { ...cap, attempts: inWindow.length };
  });
  const data = { caps: counted };
  if (notBefore === undefined)
    return {
      rule: 'frequency',
      outcome: 'pass',
      code: 'under_frequency_cap',
      reason: `${input.to} is within its frequency cap (${counted.map((c) => `${c.attempts} of ${c.max} in ${c.per_hours} h`).join('; ')}).`,
      data,
    };
  const hit = counted.filter((c) => c.attempts >= c.max).map((c) => `${c.max} per ${c.per_hours} h (${c.source})`);
  return {
    rule: 'frequency',
    outcome: 'defer',
    code: 'frequency_cap_reached',
    reason: `${input.to} has reached its cap of ${hit.join(' and ')}; it may be called again at ${new Date(notBefore).toISOString()}.`,
    not_before: new Date(notBefore).toISOString(),
    data,
  };
};
