import type { EndpointClass, RateLimitTable } from '../../config.js';

/**
 * Which limit a request gets, per minute, first match wins:
 *   1. the tenant's override (`PATCH /v1/admin/tenants/{id}` `rate_limits`),
 *   2. the operator's default (`CALLINGSCOUT_RATE_LIMITS`, e.g. `default=600,dial=60`),
 *   3. the built-in live default below.
 * All three are live-mode figures. Test mode exists for CI and load tests against fixtures, and
 * api.md makes its defaults 100× the live ones; that holds for overrides too, so a tenant set to
 * dial=20 gets 20 live dials a minute and 2 000 test dials. Test and live keys never share a
 * bucket (`bucketName` includes the mode).
 */

/** Built-in live limits per minute (api.md, Conventions → rate limits). */
export const LIVE_DEFAULT_LIMITS: Readonly<Record<EndpointClass, number>> = Object.freeze({
  default: 60,
  dial: 10,
  bulk: 10,
  'campaign-dispatch': 120,
});

/** Test mode's limits are the live ones × this. */
export const TEST_MODE_MULTIPLIER = 100;

/** Limit per minute for a tenant, mode and class: tenant override, else operator default (CALLINGSCOUT_RATE_LIMITS), else built-in; × 100 in test mode. */
export function resolveLimit(options: {
  /** The API key's mode. */
  mode: 'test' | 'live';
  /** The endpoint class of the request. */
  cls: EndpointClass;
  /** The operator's defaults, live-mode figures. */
  operator: RateLimitTable;
  /** The tenant's overrides, live-mode figures. */
  tenant: RateLimitTable;
}): number {
  const { mode, cls, operator, tenant } = options;
  const live = tenant[cls] ?? operator[cls] ?? LIVE_DEFAULT_LIMITS[cls];
  return mode === 'test' ? live * TEST_MODE_MULTIPLIER : live;
}

/** The bucket name: `${tenantId}:${mode}:${cls}`. */
export function bucketName(tenantId: string, mode: 'test' | 'live', cls: EndpointClass): string {
  return `${tenantId}:${mode}:${cls}`;
}
