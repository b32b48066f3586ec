import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { IMPORT_BATCH_ROWS, IMPORT_WRITERS, type ImportResult, readContactsCsv } from './csv-import.js';
import type { BatchCounts } from './import-batches.js';

/**
 * Flow control of the import, without a database: batches are handed to a writer that answers
 * only when the test says so, and the upload is a generated file whose bytes read are counted.
 */

const AREA_CODES = [212, 213, 305, 312, 415, 617, 646, 702, 718, 917];

/** `rows` data lines after a header, every phone distinct and valid; counts the bytes handed out. */
function generatedCsv(rows: number): { stream: Readable; bytesRead: () => number } {
  let read = 0;
  function* chunks(): Generator<Buffer> {
    yield Buffer.from('phone,name,notes\n');
    for (let start = 0; start < rows; start += 100) {
      let text = '';
      for (let n = start; n < Math.min(rows, start + 100); n++) {
        const rest = Math.floor(n / AREA_CODES.length);
        text += `(${AREA_CODES[n % AREA_CODES.length]}) ${200 + (Math.floor(rest / 10_000) % 700)}-${String(rest % 10_000).padStart(4, '0')},Person ${n},row ${n}\n`;
      }
      const bytes = Buffer.from(text);
      read += bytes.length;
      yield bytes;
    }
  }
  return { stream: Readable.from(chunks(), { objectMode: false }), bytesRead: () => read };
}

/** A writer whose batches stay in flight until released. */
function heldWriter() {
  const pending: Array<{ rows: number; phones: string[]; release: () => void }> = [];
  let maxInFlight = 0;
  let inFlight = 0;
  const write = (payload: string, rows: number): Promise<BatchCounts> => {
    const phones = (JSON.parse(payload) as unknown[][]).map((row) => row[1] as string);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise((resolve) => {
      pending.push({
        rows,
        phones,
        release: () => {
          inFlight--;
          resolve({ created: rows, createdSince: 0, older: 0 });
        },
      });
    });
  };
  return { write, pending, maxInFlight: () => maxInFlight };
}

const turn = () => new Promise((r) => setImmediate(r));
/** Lets the streams run until nothing more happens by itself (no timers involved). */
const settle = async () => {
  for (let i = 0; i < 50; i++) await turn();
};
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 10_000 && !condition(); i++) await turn();
};

describe('CSV import flow control', () => {
  it('keeps at most two batches in flight and stops reading the upload while they are written', async () => {
    const rows = 100_000;
    const csv = generatedCsv(rows);
    const writer = heldWriter();
    let answer: ImportResult | undefined;
    const done = readContactsCsv(csv.stream, { listId: 'lst_x', region: 'US', write: writer.write }).then((r) => {
      answer = r;
    });

    await until(() => writer.pending.length === 2);
    await settle();
    expect(writer.pending.length).toBe(2);
    const readWhileHeld = csv.bytesRead();
    await settle();
    // Nothing more is read while both batches are in flight: two batches, the open one and the
    // stream buffers (~16 KB each) of a 4 MB file.
    expect(csv.bytesRead()).toBe(readWhileHeld);
    expect(readWhileHeld).toBeLessThan(200 * 1024);
    expect(answer).toBeUndefined();

    // Releasing batches one at a time lets exactly one more in each time.
    let released = 0;
    while (answer === undefined) {
      const next = writer.pending[released];
      if (!next) {
        await settle();
        continue;
      }
      next.release();
      released++;
      await settle();
      expect(writer.pending.length - released).toBeLessThanOrEqual(2);
    }
    await done;
    expect(IMPORT_WRITERS).toBe(2);
    expect(writer.maxInFlight()).toBe(2);
    expect(writer.pending.every((batch) => batch.rows <= IMPORT_BATCH_ROWS)).toBe(true);
    expect(writer.pending.reduce((sum, batch) => sum + batch.rows, 0)).toBe(rows);
    // Each batch is sorted by phone (two writers lock the same numbers in the same order).
    for (const batch of writer.pending) expect(batch.phones).toEqual([...batch.phones].sort());
    expect(answer).toMatchObject({ total_rows: rows, imported: rows, rejected_count: 0 });
  });

  it('fails the import when a batch fails to write, after the rows before it', async () => {
    const csv = generatedCsv(30_000);
    let calls = 0;
    const failure = new Error('write failed');
    const result = readContactsCsv(csv.stream, {
      listId: 'lst_x',
      region: 'US',
      write: async (_payload, rows) => {
        calls++;
        if (calls === 2) throw failure;
        return { created: rows, createdSince: 0, older: 0 };
      },
    });
    await expect(result).rejects.toBe(failure);
    // The failure is seen at the next batch: nothing after it is written, the rest is not read.
    expect(calls).toBeLessThanOrEqual(3);
    expect(csv.bytesRead()).toBeLessThan(200 * 1024);
  });
});
