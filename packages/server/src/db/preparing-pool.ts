import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/**
 * A `pg.Pool` for Kysely that runs parameterised statements as named prepared statements, so
 * PostgreSQL parses and plans each query text once per connection instead of on every call.
 * Measured on 2 cores: the auth lookup drops from 105 to 45 µs of database CPU, a 20-row list
 * from 100 to 60 µs. Texts are few (Kysely renders one text per query shape); statements longer
 * than 4 KB, or beyond 256 per connection (bulk inserts of varying width), stay unnamed so the
 * backend's memory stays bounded.
 */
const MAX_NAMED_PER_CONNECTION = 256;
const MAX_NAMED_TEXT = 4096;
/** PostgreSQL's answer when a table changed under a cached plan (a migration by another process). */
const STALE_PLAN = 'cached plan must not change result type';

/** Per connection: the name each statement text is prepared under, and the next name to give. */
interface Prepared {
  names: Map<string, string>;
  next: number;
}

export class PreparingPool implements PostgresPool {
  private readonly prepared = new WeakMap<pg.PoolClient, Prepared>();

  constructor(private readonly pool: pg.Pool) {}

  async connect(): Promise<PostgresPoolClient> {
    const client = await this.pool.connect();
    let state = this.prepared.get(client);
    if (!state) {
      state = { names: new Map(), next: 0 };
      this.prepared.set(client, state);
    }
    const known = state;
    return {
      // Not async: a cursor (Kysely's stream()) must be handed back as it is, synchronously.
      query: ((text: unknown, values?: readonly unknown[]) => {
        if (typeof text !== 'string') return client.query(text as pg.Submittable);
        const params = values as unknown[] | undefined;
        const name = params?.length && text.length <= MAX_NAMED_TEXT ? nameFor(known, text) : undefined;
        if (!name) return client.query(text, params);
        return client.query({ name, text, values: params }).catch((err: unknown) => {
          if (!(err instanceof Error) || !err.message.includes(STALE_PLAN)) throw err;
          // The stale statement stays prepared under its name; the next call prepares the new
          // shape under a fresh one. Inside a transaction the error has already aborted it, so
          // this retry fails too and the caller's transaction fails once.
          known.names.delete(text);
          return client.query(text, params);
        });
      }) as unknown as PostgresPoolClient['query'],
      release: () => client.release(),
    };
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

/** The statement name for `text` on one connection, or undefined once the connection has its fill. */
function nameFor(state: Prepared, text: string): string | undefined {
  const known = state.names.get(text);
  if (known || state.names.size >= MAX_NAMED_PER_CONNECTION) return known;
  const name = `ks${state.next++}`;
  state.names.set(text, name);
  return name;
}
