import { dncStatus } from '../dnc-list.js';
import type { Rule } from '../types.js';

/** A national registry extract older than this is flagged (the FTC registry is refreshed monthly, 16 CFR 310.4(b)(3)(iv): 31 days). */
const REGISTRY_MAX_AGE_MS = 31 * 86_400_000;

/**
 * Rule `dnc` (compliance.md): the tenant's do-not-call list, manual, imported, requested during a
 * call (honoured at once) and an optional national registry extract. A listed number is denied.
 * An extract older than 31 days is flagged in the verdict's data; the lookup still counts it.
 * One statement (`dncStatus`): the same primary-key seek as `isOnDnc`, plus the registry's age.
 */
export const dncRule: Rule = async ({ db, input, now }) => {
  const { listed, registryImportedAt: registryAt } = await dncStatus(db, input.tenant.id, input.to);
  const data = {
    listed,
    registry_imported_at: registryAt?.toISOString() ?? null,
    registry_stale: registryAt !== null && now - registryAt.getTime() > REGISTRY_MAX_AGE_MS,
  };
  if (listed)
    return {
      rule: 'dnc',
      outcome: 'deny',
      code: 'on_dnc_list',
      reason: `${input.to} is on this account's do-not-call list.`,
      data,
    };
  return {
    rule: 'dnc',
    outcome: 'pass',
    code: data.registry_stale ? 'registry_stale' : 'not_on_dnc_list',
    reason: data.registry_stale
      ? `${input.to} is not on the do-not-call list, but the national registry extract is older than 31 days; import a fresh one.`
      : `${input.to} is not on the do-not-call list.`,
    data,
  };
};
