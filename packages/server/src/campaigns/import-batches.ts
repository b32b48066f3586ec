import { type ContactWrite, contactsPayload, mergeInto } from '../contacts/upsert.js';

/**
 * The rows of an import gathered into batches of unique phones and sent with a bounded number of
 * batches in flight. The caller stops reading its input while `add` or `flush` is pending, so
 * memory holds the open batch plus `writers` payloads whatever the file's size.
 */

/** What writing one batch answers (contacts/upsert.ts `upsertContactsCounting`). */
export interface BatchCounts {
  created: number;
  createdSince: number;
  older: number;
}

export interface ImportBatchOptions {
  /** Rows (unique phones) a batch. */
  batchRows: number;
  /** Batches written at once. */
  writers: number;
  /** Writes one `contactsPayload` of `rows` rows. */
  write(payload: string, rows: number): Promise<BatchCounts>;
  /** Counts each written batch as it lands. */
  onWritten(counts: BatchCounts): void;
}

export class ImportBatches {
  private open = new Map<string, ContactWrite>();
  private readonly writing = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly options: ImportBatchOptions) {}

  /** Batches sent and not yet answered. */
  get inFlight(): number {
    return this.writing.size;
  }

  /**
   * Adds a row; a phone already in the open batch is merged into that row and answers
   * 'merged'. Answers 'full' when the batch reached its size: call `flush` before adding more.
   */
  add(row: ContactWrite): 'added' | 'merged' | 'full' {
    const earlier = this.open.get(row.phone);
    if (earlier) {
      mergeInto(earlier, row);
      return 'merged';
    }
    this.open.set(row.phone, row);
    return this.open.size >= this.options.batchRows ? 'full' : 'added';
  }

  /**
   * Sends the open batch once fewer than `writers` are in flight; resolves when it is sent (not
   * written). Rows are sorted by phone, so two batches meeting the same numbers lock them in the
   * same order and cannot deadlock. A failed write fails the next `flush` or `drain`.
   */
  async flush(): Promise<void> {
    if (this.open.size === 0) return;
    while (this.writing.size >= this.options.writers) await Promise.race(this.writing);
    this.throwFailure();
    const rows = [...this.open.values()].sort((a, b) => (a.phone < b.phone ? -1 : a.phone > b.phone ? 1 : 0));
    this.open = new Map();
    // The payload is one string: the batch's objects are garbage from here on, young enough for
    // V8's scavenger to free them instead of promoting them to the old generation.
    const payload = contactsPayload(rows);
    const done: Promise<void> = this.options.write(payload, rows.length).then(
      (counts) => {
        this.writing.delete(done);
        this.options.onWritten(counts);
      },
      (error: unknown) => {
        this.failure ??= { error };
        this.writing.delete(done);
      },
    );
    this.writing.add(done);
  }

  /** Sends what is open and waits for every batch. */
  async drain(): Promise<void> {
    await this.flush();
    await Promise.all(this.writing);
    this.throwFailure();
  }

  private throwFailure(): void {
    if (this.failure) throw this.failure.error;
  }
}
