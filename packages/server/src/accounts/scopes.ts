/**
 * What an API key may do. A key's `scopes` holds these names, or `*` for everything (the
 * default). A route names the one scope it needs; a key without it gets 403 naming that scope.
 */
export const SCOPES = [
  'account:read',
  'account:write',
  'keys:read',
  'keys:write',
  'agents:read',
  'agents:write',
  'playbooks:read',
  'playbooks:write',
  'personas:read',
  'personas:write',
  'calls:read',
  'calls:write',
  'campaigns:read',
  'campaigns:write',
  'contacts:read',
  'contacts:write',
  'numbers:read',
  'numbers:write',
  'webhooks:read',
  'webhooks:write',
  'events:read',
  'compliance:read',
] as const;
export type Scope = (typeof SCOPES)[number];
export const ALL_SCOPES = '*';

export function hasScope(granted: readonly string[], needed: Scope): boolean {
  return granted.includes(ALL_SCOPES) || granted.includes(needed);
}
