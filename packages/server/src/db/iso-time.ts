import { type RawBuilder, sql } from 'kysely';

/**
 * A timestamp column selected as the API's ISO-8601 text, formatted by PostgreSQL. Lists use it:
 * decoding timestamps into Date objects and writing them back out was 7 % of the server's CPU on
 * `GET /v1/agents` (postgres-date's regex, the Dates, and toISOString), for text the API only
 * passes through.
 */
export function isoText(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** A timestamp as the API writes it, whether it was selected with `isoText` or as a Date. */
export function toIso(value: Date | string): string {
  return typeof value === 'string' ? value : value.toISOString();
}
