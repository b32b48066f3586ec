import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { addDncEntries, type DncSource } from './dnc.js';
import { normalisePhone } from './phone.js';

/**
 * `POST /v1/dnc/import`: one number a line, streamed, 1,000 numbers to an INSERT. Besides any
 * form `normalisePhone` reads (E.164, national with the tenant's region), the National Do Not
 * Call Registry's full-list flat file is understood: one registered number a line, either ten
 * digits (`2125551234`) or area code and number separated by a comma (`212,5551234`), as the
 * FTC's downloads come. Those are US numbers whatever the tenant's region. A line with more
 * comma-separated cells (`+14155550123,asked during call`) uses its first cell; a first line
 * without any digit is taken for a header and skipped.
 */

const BATCH = 1_000;
const MAX_REPORTED = 1_000;
/** A number a line: anything longer is not one, and must not be buffered whole. */
const MAX_LINE_BYTES = 4 * 1024;
const REGISTRY_PAIR = { area: /^\d{3}$/, number: /^\d{7}$/ };

export interface DncImportResult {
  object: 'dnc_import';
  total_lines: number;
  added: number;
  already_present: number;
  rejected_count: number;
  rejected: Array<{ line: number; reason: string }>;
}

export async function importDncList(
  input: Readable,
  options: { db: Kysely<DB>; tenantId: string; region: string; source: DncSource },
): Promise<DncImportResult> {
  const result: DncImportResult = {
    object: 'dnc_import',
    total_lines: 0,
    added: 0,
    already_present: 0,
    rejected_count: 0,
    rejected: [],
  };
  const reject = (line: number, reason: string) => {
    result.rejected_count++;
    if (result.rejected.length < MAX_REPORTED) result.rejected.push({ line, reason });
  };
  let batch = new Set<string>();
  let batchLines = 0;
  const flush = async () => {
    const added = await addDncEntries(options.db, options.tenantId, [...batch], options.source);
    result.added += added;
    result.already_present += batchLines - added;
    batch = new Set();
    batchLines = 0;
  };

  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
    trim: true,
    info: true,
    skip_records_with_error: true,
    max_record_size: MAX_LINE_BYTES,
  });
  let stopped: { line: number; reason: string } | undefined;
  parser.on('skip', (err: Error & { code?: string; lines?: number }) => {
    const line = err.lines ?? 0;
    if (err.code === 'CSV_MAX_RECORD_SIZE' || err.code === 'CSV_QUOTE_NOT_CLOSED') {
      stopped = {
        line,
        reason:
          'not a phone number list (a line is too long or a quote is never closed); the rest of the file was not read',
      };
    } else reject(line, `unreadable line: ${err.message}`);
  });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);

  let first = true;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const line = info.lines;
    const cells = record.filter((c) => c !== '');
    if (cells.length === 0) continue;
    if (first) {
      first = false;
      if (!cells.some((c) => /\d/.test(c))) continue;
    }
    result.total_lines++;
    const [a = '', b = ''] = cells;
    const registry = cells.length === 2 && REGISTRY_PAIR.area.test(a) && REGISTRY_PAIR.number.test(b);
    const text = registry ? `${a}${b}` : a;
    const tenDigits = /^\d{10}$/.test(text);
    const phone = normalisePhone(
      text,
      registry || (tenDigits && options.source === 'registry') ? 'US' : options.region,
    );
    if (!phone.ok) {
      reject(line, phone.reason);
      continue;
    }
    batch.add(phone.e164);
    batchLines++;
    if (batch.size >= BATCH) await flush();
  }
  if (batchLines) await flush();
  if (stopped) {
    result.total_lines++;
    reject(stopped.line, stopped.reason);
  }
  return result;
}
