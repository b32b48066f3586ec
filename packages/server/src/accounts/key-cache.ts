import { sql } from 'kysely';
import type { Database } from '../db/connection.js';
import type { Mode, Tenant } from '../db/schema.js';

/** A key that authenticated: what the auth middleware needs, without another query. */
export interface KeyIdentity {
  keyId: string;
  mode: Mode;
  scopes: string[];
  tenant: Tenant;
}

export interface KeyCacheOptions {
  db: Database;
  now: () => number;
  /** How long an entry may live if a change notice from another process were lost. */
  ttlMs?: number;
  maxEntries?: number;
}

const CHANNEL = 'callingscout_keys';

/**
 * Key lookups cached in the process, so an authenticated request costs no query (the lookup
 * was a third of a `GET /v1/agents`'s CPU: 0.16 ms of server and 0.13 ms of database time).
 *
 * Revocation stays immediate where it matters: the process that revokes a key or changes a
 * tenant drops the entries before it answers, so its next request is refused; every other
 * process drops them when the NOTIFY sent in the same call arrives (milliseconds). The TTL only
 * bounds the damage of a lost notice. Unknown keys are never cached, so guessing fills nothing.
 */
export class KeyCache {
  private readonly entries = new Map<string, { identity: KeyIdentity; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(private readonly options: KeyCacheOptions) {
    this.ttlMs = options.ttlMs ?? 2_000;
    this.maxEntries = options.maxEntries ?? 50_000;
  }

  /** Follows invalidations sent by other processes. */
  async start(): Promise<void> {
    await this.options.db.listen(CHANNEL, (payload) => this.dropLocal(payload));
  }

  get(keyHash: string): KeyIdentity | undefined {
    const entry = this.entries.get(keyHash);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.options.now()) {
      this.entries.delete(keyHash);
      return undefined;
    }
    return entry.identity;
  }

  set(keyHash: string, identity: KeyIdentity): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(keyHash, { identity, expiresAt: this.options.now() + this.ttlMs });
  }

  /** Forgets a key (`key_…`) or every key of a tenant (`ten_…`), here and in every other process. */
  async invalidate(id: string): Promise<void> {
    this.dropLocal(id);
    await sql`SELECT pg_notify(${CHANNEL}, ${id})`.execute(this.options.db.kysely);
  }

  private dropLocal(id: string): void {
    for (const [hash, entry] of this.entries) {
      if (entry.identity.keyId === id || entry.identity.tenant.id === id) this.entries.delete(hash);
    }
  }
}
