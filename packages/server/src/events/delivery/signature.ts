import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (protocols.md): the signed content is `{id}.{timestamp}.{body}`,
 * HMAC-SHA256 keyed with the base64-decoded secret after `whsec_`, sent as `v1,<base64>`.
 * Several secrets (during a rotation's grace period) give several space-separated entries;
 * receivers accept the message when any one verifies.
 */

const PREFIX = 'whsec_';

/** A new secret: 32 random bytes (the spec asks for 24–64), base64, prefixed. */
export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

export function signPayload(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The `webhook-signature` header value for every secret currently signing. */
export function signatureHeader(secrets: string[], id: string, timestamp: number, body: string): string {
  return secrets.map((s) => signPayload(s, id, timestamp, body)).join(' ');
}

/** `whsec_abcd…` → `whsec_****wxyz`: enough to tell secrets apart, not to use one. */
export function maskSecret(secret: string): string {
  return `${PREFIX}****${secret.slice(-4)}`;
}
