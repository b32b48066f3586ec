import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Presents one embedded PGlite instance as the `pg.Pool` that Kysely's PostgresDialect expects.
 * PGlite has exactly one connection, so `connect()` hands it out to one holder at a time (FIFO):
 * a transaction holds it from BEGIN to COMMIT and nothing interleaves.
 */
export class PGlitePool implements PostgresPool {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly pg: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    if (this.held) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.held = true;
    let released = false;
    const client = {
      query: async (sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<unknown>> => {
        // Without parameters pg uses the simple protocol, which allows several statements (a
        // migration file); PGlite's `exec` is its equivalent.
        const result = parameters.length
          ? await this.pg.query(sql, parameters as unknown[])
          : ((await this.pg.exec(sql)).at(-1) ?? { rows: [], affectedRows: 0 });
        return {
          command: commandOf(sql),
          rowCount: result.affectedRows ?? result.rows.length,
          rows: result.rows,
        };
      },
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiters.shift();
        if (next) next();
        else this.held = false;
      },
    };
    return client as unknown as PostgresPoolClient;
  }

  async end(): Promise<void> {
    // The owner of the PGlite instance closes it.
  }
}

type Command = PostgresQueryResult<unknown>['command'];

function commandOf(sql: string): Command {
  const word = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(sql)?.[1]?.toUpperCase();
  switch (word) {
    case 'INSERT':
    case 'UPDATE':
    case 'DELETE':
    case 'MERGE':
      return word;
    default:
      return 'SELECT';
  }
}
