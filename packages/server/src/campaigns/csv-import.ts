import type { Readable } from 'node:stream';
import { type CsvError, parse } from 'csv-parse';
import type { Kysely } from 'kysely';
import { unstorableFields } from '../api/storable.js';
import { normalisePhone } from '../contacts/phone.js';
import { type ContactWrite, mergeInto, upsertContacts } from '../contacts/upsert.js';
import type { DB } from '../db/schema.js';
import { HttpError } from '../errors.js';
import { newId } from '../ids.js';
import { type ColumnMap, mapColumns, PHONE_ALIASES } from './csv-columns.js';
import { rowToContact } from './csv-row.js';

/**
 * `POST /v1/contact-lists/{id}/import`: a CSV streamed into a contact list in constant memory.
 * The body is parsed as it arrives (csv-parse), each row is checked and normalised, and rows are
 * upserted 500 to a transaction (contacts/upsert.ts); the parser is paused while a batch is
 * written, so memory holds one batch whatever the file's size. Rows committed stay committed if
 * the upload breaks off: an import is a sequence of upserts, and running it again converges.
 *
 * The answer counts every data row once: `imported` (new contacts) + `updated` (contacts that
 * existed before the import) + `duplicates` (rows whose phone appeared earlier in the same file,
 * merged into that row's contact) + `rejected_count` = `total_rows`.
 */

/**
 * Rows a transaction, and batches written at once (PGlite, with one connection, takes them in
 * turn). Measured on 100,000 rows into PostgreSQL: 500 × 2 grew the server's RSS by 85 MB at its
 * peak, 1,000 × 3 by 103 MB and 1,000 × 1 by 95 MB, at the same rows/s within the noise of a
 * shared machine: fewer rows in flight means less for V8 to promote to its old generation.
 */
export const IMPORT_BATCH_ROWS = 500;
const WRITERS = 2;
/** Rejections listed in the answer; `rejected_count` has them all. */
export const MAX_REPORTED_REJECTIONS = 1_000;
/**
 * Longest record accepted. Without a cap an unclosed quote would make the rest of the file one
 * field held in memory; real rows are well under 1 KB.
 */
const MAX_RECORD_BYTES = 64 * 1024;

export interface ImportRejection {
  /** 1-based line of the file where the row starts (the header is line 1). */
  line: number;
  reason: string;
}

export interface ImportResult {
  object: 'import';
  list_id: string;
  total_rows: number;
  imported: number;
  updated: number;
  duplicates: number;
  rejected_count: number;
  rejected: ImportRejection[];
}

export interface CsvImportOptions {
  db: Kysely<DB>;
  tenantId: string;
  listId: string;
  /** The tenant's default region, for national numbers. */
  region: string;
}

export async function importContactsCsv(input: Readable, options: CsvImportOptions): Promise<ImportResult> {
  const result: ImportResult = {
    object: 'import',
    list_id: options.listId,
    total_rows: 0,
    imported: 0,
    updated: 0,
    duplicates: 0,
    rejected_count: 0,
    rejected: [],
  };
  const reject = (line: number, reason: string) => {
    result.rejected_count++;
    if (result.rejected.length < MAX_REPORTED_REJECTIONS) result.rejected.push({ line, reason });
  };

  // Ids are monotonic in this process: a contact whose id sorts after this marker was created by
  // this import, so meeting it again means the file repeats a phone across batches. This keeps
  // duplicate counting O(1) in memory instead of a set of every phone seen.
  const marker = newId('ctc');
  let batch = new Map<string, ContactWrite>();
  const write = async (rows: ContactWrite[]) => {
    const written = await options.db.transaction().execute((trx) => upsertContacts(trx, options.tenantId, rows));
    for (const { id, created } of written.values()) {
      if (created) result.imported++;
      else if (id > marker) result.duplicates++;
      else result.updated++;
    }
  };
  // Batches are written while the next ones are parsed, up to WRITERS at once on their own
  // connections: the server's ~30 µs of CPU a row (csv-parse, libphonenumber, the statement) then
  // overlaps with PostgreSQL's ~27 µs (scripts/bench/import.ts), each on its own core. Each batch is
  // sorted by phone, so two transactions meeting the same numbers lock them in the same order and
  // cannot deadlock. Memory holds at most WRITERS + 1 batches.
  const writing = new Set<Promise<void>>();
  let failure: unknown;
  const flush = async () => {
    if (batch.size === 0) return;
    const rows = [...batch.values()].sort((a, b) => (a.phone < b.phone ? -1 : 1));
    batch = new Map();
    while (writing.size >= WRITERS) await Promise.race(writing);
    if (failure) throw failure;
    const done: Promise<void> = write(rows).then(
      () => {
        writing.delete(done);
      },
      (err: unknown) => {
        failure ??= listGone(err) ?? err;
        writing.delete(done);
      },
    );
    writing.add(done);
  };
  const drain = async () => {
    await Promise.all(writing);
    if (failure) throw failure;
  };

  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
    info: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  // csv-parse counts a CRLF inside a quoted field as two lines (v7.0.3); undo that so the lines
  // reported are the ones an editor shows.
  let lineOvercount = 0;
  let fatal: ImportRejection | undefined;
  parser.on('skip', (err: CsvError & { lines?: number }) => {
    const line = Math.max(1, (err.lines ?? 1) - lineOvercount);
    // These two end the parse: what follows cannot be told apart from the broken field.
    if (err.code === 'CSV_MAX_RECORD_SIZE' || err.code === 'CSV_QUOTE_NOT_CLOSED') {
      fatal = {
        line,
        reason: `malformed CSV: ${err.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quote is never closed' : `a row longer than ${MAX_RECORD_BYTES / 1024} KB, probably an unclosed quote`}; the rest of the file was not read`,
      };
    } else {
      reject(line, `malformed CSV: ${err.message}`);
    }
  });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);

  let columns: ColumnMap | undefined;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    let breaks = 0;
    for (const cell of record) {
      if (cell.length < 2 || !/[\r\n]/.test(cell)) continue;
      breaks += (cell.match(/\r\n|\r|\n/g) ?? []).length;
      lineOvercount += (cell.match(/\r\n/g) ?? []).length;
    }
    const line = info.lines - lineOvercount - breaks;
    if (!columns) {
      columns = mapColumns(record);
      if (!columns) {
        throw new HttpError(
          400,
          'csv_no_phone_column',
          `The CSV's first line must be a header with a phone column (one of: ${PHONE_ALIASES.slice(0, 8).join(', ')}, …); it has: ${record.slice(0, 20).join(', ')}.`,
        );
      }
      continue;
    }
    // A line of separators only (",,,") is blank, as an empty line is.
    if (record.every((cell) => cell.trim() === '')) continue;
    result.total_rows++;
    if (record.length > columns.width) {
      reject(line, `has ${record.length} cells but the header has ${columns.width}; quote values that contain commas`);
      continue;
    }
    const unstorable = unstorableFields(record);
    if (unstorable.length) {
      reject(line, 'contains NUL characters or invalid UTF-16');
      continue;
    }
    const row = rowToContact(record, columns, options.listId);
    if (!row.ok) {
      reject(line, row.reason);
      continue;
    }
    const phone = normalisePhone(row.contact.phone, options.region);
    if (!phone.ok) {
      reject(line, phone.reason);
      continue;
    }
    row.contact.phone = phone.e164;
    const earlier = batch.get(phone.e164);
    if (earlier) {
      mergeInto(earlier, row.contact);
      result.duplicates++;
    } else {
      batch.set(phone.e164, row.contact);
      if (batch.size >= IMPORT_BATCH_ROWS) await flush();
    }
  }
  if (!columns && !fatal) {
    throw new HttpError(
      400,
      'csv_empty',
      'The CSV is empty: send a header line with a phone column, then one contact a line.',
    );
  }
  await flush();
  await drain();
  if (fatal) {
    result.total_rows++;
    reject(fatal.line, fatal.reason);
  }
  return result;
}

/** A foreign-key failure while writing memberships means the list was deleted under the import. */
function listGone(err: unknown): HttpError | undefined {
  if ((err as { code?: unknown } | null)?.code !== '23503') return undefined;
  return new HttpError(
    409,
    'contact_list_deleted',
    'The contact list was deleted while the file was being imported; the rows written before that stay as contacts.',
  );
}
