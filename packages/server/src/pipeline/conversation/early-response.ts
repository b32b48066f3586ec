import type { LlmDelta } from '../../providers/llm/llm.js';

/** Early response settings (`ConversationOptions.earlyResponse`). */
export interface EarlyResponseOptions {
  /** An interim counts when its confidence is at least this (default 0.9); finals always count. */
  minConfidence?: number;
}

/**
 * A completion started before the turn is decided: on a confident transcript once the caller's
 * speech has ended (VAD), while the endpointing delay runs. Its deltas are pulled at once and
 * kept; nothing reaches the TTS until the turn is decided with the same words (then they are
 * replayed and the live stream continues) or it is cancelled (the caller went on, or said
 * something else). Tool calls are kept as deltas too: they run only once adopted.
 */
export class SpeculativeCompletion {
  private readonly controller = new AbortController();
  private readonly items: LlmDelta[] = [];
  private ended = false;
  private failed = false;
  private error: unknown;
  private wake: (() => void) | null = null;

  constructor(
    /** The caller's words it answers. */
    readonly text: string,
    start: (signal: AbortSignal) => AsyncIterable<LlmDelta>,
  ) {
    void this.pull(start(this.controller.signal));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the decided turn's words are the ones this answers (case, spacing and punctuation aside). */
  matches(text: string): boolean {
    return normalise(text) === normalise(this.text);
  }

  cancel(): void {
    this.controller.abort();
    this.notify();
  }

  /** Everything kept so far, then the rest as it comes; ends when the completion ends or is cancelled. */
  async *deltas(): AsyncGenerator<LlmDelta> {
    let i = 0;
    for (;;) {
      if (i < this.items.length) {
        yield this.items[i++] as LlmDelta;
        continue;
      }
      if (this.failed) throw this.error;
      if (this.ended || this.controller.signal.aborted) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private async pull(stream: AsyncIterable<LlmDelta>): Promise<void> {
    try {
      for await (const delta of stream) {
        if (this.controller.signal.aborted) return;
        this.items.push(delta);
        this.notify();
      }
    } catch (error) {
      if (!this.controller.signal.aborted) {
        this.failed = true;
        this.error = error;
      }
    } finally {
      this.ended = true;
      this.notify();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
