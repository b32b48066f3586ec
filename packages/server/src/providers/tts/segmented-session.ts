import { AsyncQueue } from '../async-queue.js';
import type { TtsChunk, TtsStream } from './tts.js';

/**
 * The text side of every TTS that makes one request per segment (espeak-ng, OpenAI speech):
 * text gathers until `flush`, each flush closes a numbered segment, segments are synthesised one
 * at a time in order, each ends with its `segment_end`, and the stream ends after the last one.
 * A subclass says how one segment becomes audio (pushed to `out`), and may add to the
 * `segment_end` or translate failures.
 */
export abstract class SegmentedTtsSession implements TtsStream {
  protected readonly out = new AsyncQueue<TtsChunk>();
  private readonly segments: string[] = [];
  private pending = '';
  private inputEnded = false;
  private next = 0;
  private working = false;

  pushText(text: string): void {
    if (!this.inputEnded) this.pending += text;
  }

  flush(): void {
    if (this.inputEnded) return;
    this.segments.push(this.pending);
    this.pending = '';
    void this.work();
  }

  endInput(): void {
    if (this.inputEnded) return;
    if (this.pending.trim()) this.flush();
    this.inputEnded = true;
    void this.work();
  }

  [Symbol.asyncIterator](): AsyncIterator<TtsChunk> {
    return this.out[Symbol.asyncIterator]();
  }

  /** Synthesises `text` (trimmed, never empty) as `segment`, pushing its audio to `out`. */
  protected abstract synthesise(segment: number, text: string): Promise<void>;

  /** The `segment_end` of `segment`; `text` is what was flushed, `spoken` the trimmed text synthesised. */
  protected segmentEnd(segment: number, text: string, _spoken: string): TtsChunk {
    return { type: 'segment_end', segment, text };
  }

  /** What the stream fails with, or undefined to end it quietly (an abort already closed it). */
  protected failure(error: unknown): unknown {
    return error;
  }

  /** Taken before the first await of a run of synthesis and released after it (a virtual clock's hold). */
  protected hold(): (() => void) | undefined {
    return undefined;
  }

  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    const release = this.hold();
    try {
      while (this.next < this.segments.length && !this.out.closed) {
        const segment = this.next++;
        const text = this.segments[segment] as string;
        const spoken = text.trim();
        if (spoken) await this.synthesise(segment, spoken);
        this.out.push(this.segmentEnd(segment, text, spoken));
      }
      if (this.inputEnded && this.next >= this.segments.length) this.out.end();
    } catch (error) {
      const failure = this.failure(error);
      if (failure !== undefined) this.out.fail(failure);
    } finally {
      this.working = false;
      release?.();
    }
  }
}
