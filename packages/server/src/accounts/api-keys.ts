import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, Mode } from '../db/schema.js';
import { newId } from '../ids.js';
import { ALL_SCOPES } from './scopes.js';

/** 32 random bytes = 256 bits, above the 192 the contract asks for. */
const SECRET_BYTES = 32;
/** Characters of the secret kept for display: `sk_test_` + 6, enough to tell keys apart. */
const DISPLAY_PREFIX_LENGTH = 14;

export interface NewApiKey {
  id: string;
  /** The whole secret: returned once, at creation, and never stored. */
  secret: string;
  prefix: string;
  mode: Mode;
  name: string;
  scopes: string[];
  created_at: Date;
}

export function generateSecret(mode: Mode): string {
  return `sk_${mode}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
}

/** SHA-256, hex. See the migration for why a fast hash is right for 256-bit random secrets. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** `sk_test_…` → 'test', `sk_live_…` → 'live', anything else → undefined. */
export function modeOfSecret(secret: string): Mode | undefined {
  if (secret.startsWith('sk_test_')) return 'test';
  if (secret.startsWith('sk_live_')) return 'live';
  return undefined;
}

export async function createApiKey(
  db: Kysely<DB>,
  options: { tenantId: string; mode: Mode; name: string; scopes?: string[] },
): Promise<NewApiKey> {
  const secret = generateSecret(options.mode);
  const key: NewApiKey = {
    id: newId('key'),
    secret,
    prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
    mode: options.mode,
    name: options.name,
    scopes: options.scopes ?? [ALL_SCOPES],
    created_at: new Date(),
  };
  await db
    .insertInto('api_keys')
    .values({
      id: key.id,
      tenant_id: options.tenantId,
      name: key.name,
      mode: key.mode,
      key_hash: hashSecret(secret),
      prefix: key.prefix,
      scopes: JSON.stringify(key.scopes),
      created_at: key.created_at,
    })
    .execute();
  return key;
}
