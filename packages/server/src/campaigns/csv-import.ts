import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CsvError, Parser } from 'csv-parse';
import type { Kysely } from 'kysely';
import { unstorableFields } from '../api/storable.js';
import { normalisePhone } from '../contacts/phone.js';
import { upsertContactsCounting } from '../contacts/upsert.js';
import type { DB } from '../db/schema.js';
import { HttpError } from '../errors.js';
import { newId } from '../ids.js';
import { type ColumnMap, mapColumns, PHONE_ALIASES } from './csv-columns.js';
import { rowToContact } from './csv-row.js';
import { ImportBatches, type ImportBatchOptions } from './import-batches.js';

/**
 * `POST /v1/contact-lists/{id}/import`: a CSV streamed into a contact list in constant memory.
 * The body is parsed as it arrives (csv-parse), each row is checked and normalised, and rows are
 * upserted 250 to a statement (contacts/upsert.ts), two batches in flight; the upload is paused
 * while both are being written, so memory holds three batches whatever the file's size. Rows committed stay committed if
 * the upload breaks off: an import is a sequence of upserts, and running it again converges.
 *
 * The answer counts every data row once: `imported` (new contacts) + `updated` (contacts that
 * existed before the import) + `duplicates` (rows whose phone appeared earlier in the same file,
 * merged into that row's contact) + `rejected_count` = `total_rows`.
 */

/**
 * Rows a batch, and batches written at once (PGlite, with one connection, takes them in turn).
 * A batch is one statement (contacts/upsert.ts). Each row leaves ~12 KB of short-lived garbage
 * (csv-parse, libphonenumber, the row), so V8 scavenges every ~1,100 rows; a batch's payload lives
 * while the next two are parsed, and with 250 rows that is inside one young-generation cycle:
 * with 500 it outlived two and was promoted, +1 MB of old generation per scavenge.
 */
export const IMPORT_BATCH_ROWS = 250;
export const IMPORT_WRITERS = 2;
/** Rejections listed in the answer; `rejected_count` has them all. */
export const MAX_REPORTED_REJECTIONS = 1_000;
/**
 * Longest record accepted. Without a cap an unclosed quote would make the rest of the file one
 * field held in memory; real rows are well under 1 KB.
 */
const MAX_RECORD_BYTES = 64 * 1024;
/** The most of the upload handed to csv-parse at once (see sliceChunks). */
const SLICE_BYTES = 8 * 1024;
/** Records waiting between the parser and the batches; the parser stops when they pile up. */
const RECORD_BUFFER = 16;
/** A cell that may hold what the database refuses (NUL, a surrogate): checked in full then. */
const SUSPECT_TEXT = /[\0\uD800-\uDFFF]/;

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
  // Ids are monotonic in this process: a contact whose id sorts after this marker was created by
  // this import, so meeting it again means the file repeats a phone across batches. This keeps
  // duplicate counting O(1) in memory instead of a set of every phone seen.
  const marker = newId('ctc');
  return readContactsCsv(input, {
    listId: options.listId,
    region: options.region,
    write: (payload) =>
      upsertContactsCounting(options.db, options.tenantId, payload, {
        listId: options.listId,
        createdAfter: marker,
      }).catch((err: unknown) => {
        throw listGone(err) ?? err;
      }),
  });
}

export interface CsvReadOptions {
  /** The list every row joins (each row's `list_ids`). */
  listId: string;
  /** The tenant's default region, for national numbers. */
  region: string;
  /** Writes one batch (a `contactsPayload`); see ImportBatches. */
  write: ImportBatchOptions['write'];
  /** Rows a batch; IMPORT_BATCH_ROWS when absent. */
  batchRows?: number;
  /** Batches in flight; IMPORT_WRITERS when absent. */
  writers?: number;
}

/**
 * The import without its database: parses `input`, checks each row and hands batches to `write`,
 * at most `writers` at once. The input is read only as fast as batches are written: a record
 * is accepted by the sink once its batch has room, so when every writer is busy the sink's
 * buffer fills, csv-parse stops, and `pipeline` stops reading the request (TCP pushes back).
 */
export async function readContactsCsv(input: Readable, options: CsvReadOptions): Promise<ImportResult> {
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
  const batches = new ImportBatches({
    batchRows: options.batchRows ?? IMPORT_BATCH_ROWS,
    writers: options.writers ?? IMPORT_WRITERS,
    write: options.write,
    onWritten: (counts) => {
      result.imported += counts.created;
      result.duplicates += counts.createdSince;
      result.updated += counts.older;
    },
  });

  const parser = new NumberedParser({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
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

  let columns: ColumnMap | undefined;
  /** Takes one record; answers whether its batch is full (and must be sent before the next). */
  const take = (record: string[], lines: number): boolean => {
    let breaks = 0;
    for (const cell of record) {
      if (cell.length < 2 || !/[\r\n]/.test(cell)) continue;
      breaks += (cell.match(/\r\n|\r|\n/g) ?? []).length;
      lineOvercount += (cell.match(/\r\n/g) ?? []).length;
    }
    const line = lines - lineOvercount - breaks;
    if (!columns) {
      columns = mapColumns(record);
      if (!columns) {
        throw new HttpError(
          400,
          'csv_no_phone_column',
          `The CSV's first line must be a header with a phone column (one of: ${PHONE_ALIASES.slice(0, 8).join(', ')}, …); it has: ${record.slice(0, 20).join(', ')}.`,
        );
      }
      return false;
    }
    // A line of separators only (",,,") is blank, as an empty line is.
    if (record.every((cell) => cell.trim() === '')) return false;
    result.total_rows++;
    if (record.length > columns.width) {
      reject(line, `has ${record.length} cells but the header has ${columns.width}; quote values that contain commas`);
      return false;
    }
    if (record.some((cell) => SUSPECT_TEXT.test(cell)) && unstorableFields(record).length) {
      reject(line, 'contains NUL characters or invalid UTF-16');
      return false;
    }
    const row = rowToContact(record, columns, options.listId);
    if (!row.ok) {
      reject(line, row.reason);
      return false;
    }
    const phone = normalisePhone(row.contact.phone, options.region);
    if (!phone.ok) {
      reject(line, phone.reason);
      return false;
    }
    row.contact.phone = phone.e164;
    const added = batches.add(row.contact);
    if (added === 'merged') result.duplicates++;
    return added === 'full';
  };

  const sink = new Writable({
    objectMode: true,
    highWaterMark: RECORD_BUFFER,
    write([lines, record]: NumberedRecord, _encoding, done) {
      let full: boolean;
      try {
        full = take(record, lines);
      } catch (err) {
        done(err as Error);
        return;
      }
      // The record is not acknowledged until its batch is sent: this is what pauses the upload.
      if (full) batches.flush().then(() => done(), done);
      else done();
    },
    final(done) {
      batches.drain().then(() => done(), done);
    },
  });
  await pipeline(input, sliceChunks, parser, sink);

  if (!columns && !fatal) {
    throw new HttpError(
      400,
      'csv_empty',
      'The CSV is empty: send a header line with a phone column, then one contact a line.',
    );
  }
  if (fatal) {
    result.total_rows++;
    reject(fatal.line, fatal.reason);
  }
  return result;
}

/** A record and the line the parser had reached when it ended (csv-parse's `info.lines`). */
type NumberedRecord = [lines: number, record: string[]];

/**
 * csv-parse's stream, each record pushed as a NumberedRecord. Its own `info: true` option pushes
 * `{record, info}` with a ~20-field info object per record, and V8 allocates those straight into
 * the old generation (measured with the sampling heap profiler: 280 B a row, freed only by
 * mark-compact), which alone grew a 1,000,000-row import's heap by 150 MB between collections.
 */
class NumberedParser extends Parser {
  override push(record: string[] | null): boolean {
    if (record === null) return super.push(null);
    const numbered: NumberedRecord = [this.info.lines, record];
    return super.push(numbered);
  }
}

/**
 * The upload in slices of at most SLICE_BYTES. csv-parse parses a whole chunk at once and queues
 * every record of it, whatever its consumer's pace: a 64 KB socket read became ~700 queued
 * records (~300 B each) that outlived V8's young generation. Slices (views, not copies) keep the
 * queue to ~100 records and the rest of the upload in its compact form, bytes outside the heap.
 */
async function* sliceChunks(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let start = 0; start < bytes.length; start += SLICE_BYTES) yield bytes.subarray(start, start + SLICE_BYTES);
  }
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
