import type { Timer } from '../pipeline/clock.js';
import { AsyncQueue } from './async-queue.js';
import { providerTimeout, toProviderError } from './errors.js';
import type { ResilienceOptions } from './fallback.js';
import { Handover } from './handover.js';
import { resolveRetry } from './retry.js';
import type { TtsChunk, TtsProvider, TtsStream, TtsStreamOptions } from './tts/tts.js';

/** See `withFallback`. `timeoutMs` bounds a stall: text flushed and no audio for that long. */
export function resilientTts(chain: readonly TtsProvider[], options: ResilienceOptions): TtsProvider {
  const primary = chain[0] as TtsProvider;
  return {
    kind: 'tts',
    label: primary.label,
    capabilities: { ...primary.capabilities, sampleRates: commonRates(chain) },
    stream: (streamOptions) => new ResilientTtsSession(chain, options, streamOptions),
  };
}

/**
 * The rates every provider of the chain offers (the primary's when they share none): the stage
 * picks one rate for the whole turn, and a fallback taking over mid-turn must yield that rate.
 */
function commonRates(chain: readonly TtsProvider[]): readonly number[] {
  const primary = (chain[0] as TtsProvider).capabilities.sampleRates;
  const common = primary.filter((rate) => chain.every((p) => p.capabilities.sampleRates.includes(rate)));
  return common.length > 0 ? common : primary;
}

interface Segment {
  text: string;
  /** `segment_end` was yielded. */
  ended: boolean;
  /** Audio yielded to the consumer for this segment. */
  samples: number;
  /** Audio of a replacement session to drop: what the failed one had already yielded. */
  skip: number;
}

class ResilientTtsSession implements TtsStream {
  private readonly out = new AsyncQueue<TtsChunk>();
  private readonly handover: Handover;
  private readonly controller = new AbortController();
  private readonly segments: Segment[] = [];
  private readonly timeoutMs: number;
  private pending = '';
  private inputEnded = false;
  private inner: TtsStream | null = null;
  private innerController: AbortController | null = null;
  /** The wrapper's segment number of the inner session's segment 0. */
  private base = 0;
  private stall: Timer | null = null;

  constructor(
    private readonly chain: readonly TtsProvider[],
    private readonly options: ResilienceOptions,
    private readonly streamOptions: TtsStreamOptions,
  ) {
    this.handover = new Handover(chain, options);
    this.timeoutMs = resolveRetry(options.retry).timeoutMs;
    const signal = streamOptions.signal;
    if (signal?.aborted) this.abort();
    else signal?.addEventListener('abort', () => this.abort(), { once: true });
    if (!this.controller.signal.aborted) this.open(0);
  }

  pushText(text: string): void {
    if (this.inputEnded) return;
    this.pending += text;
    this.inner?.pushText(text);
  }

  flush(): void {
    if (this.inputEnded) return;
    this.segments.push({ text: this.pending, ended: false, samples: 0, skip: 0 });
    this.pending = '';
    this.inner?.flush();
    this.armStall();
  }

  endInput(): void {
    if (this.inputEnded) return;
    // The inner session closes a last segment itself if text is pending; mirror it.
    if (this.pending.trim()) this.segments.push({ text: this.pending, ended: false, samples: 0, skip: 0 });
    this.pending = '';
    this.inputEnded = true;
    this.inner?.endInput();
    this.armStall();
  }

  [Symbol.asyncIterator](): AsyncIterator<TtsChunk> {
    return this.out[Symbol.asyncIterator]();
  }

  private open(index: number): void {
    const provider = this.chain[index] as TtsProvider;
    const controller = new AbortController();
    this.innerController = controller;
    const inner = provider.stream({ ...this.streamOptions, signal: controller.signal });
    this.inner = inner;
    this.base = this.segments.findIndex((s) => !s.ended);
    if (this.base < 0) this.base = this.segments.length;
    for (const segment of this.segments.slice(this.base)) {
      segment.skip = segment.samples;
      inner.pushText(segment.text);
      inner.flush();
    }
    if (this.pending) inner.pushText(this.pending);
    if (this.inputEnded) inner.endInput();
    void this.pump(inner, provider.label, controller);
  }

  private async pump(inner: TtsStream, label: string, controller: AbortController): Promise<void> {
    let produced = false;
    try {
      for await (const chunk of inner) {
        produced = true;
        this.handover.succeeded();
        this.forward(chunk);
      }
      // The stall timer aborted the inner session, which then ends quietly: that is a failure.
      if (controller.signal.aborted) throw controller.signal.reason;
      this.disarmStall();
      this.out.end();
    } catch (caught) {
      if (this.controller.signal.aborted) return;
      this.disarmStall();
      this.inner = null;
      const error = toProviderError(label, controller.signal.reason ?? caught);
      try {
        const next = await this.handover.next(error, produced, this.controller.signal);
        if (next === null) this.out.fail(error);
        else this.open(next);
      } catch {
        // Aborted during the backoff: the session is over.
      }
    }
  }

  private forward(chunk: TtsChunk): void {
    const number = this.base + chunk.segment;
    const segment = this.segments[number];
    if (!segment) return;
    if (chunk.type === 'segment_end') {
      segment.ended = true;
      this.out.push({ type: 'segment_end', segment: number, text: segment.text });
      this.armStall();
      return;
    }
    let pcm = chunk.pcm;
    if (segment.skip > 0) {
      const dropped = Math.min(segment.skip, pcm.length);
      segment.skip -= dropped;
      if (dropped === pcm.length) return;
      pcm = pcm.subarray(dropped);
    }
    segment.samples += pcm.length;
    this.out.push({ type: 'audio', segment: number, pcm });
    this.armStall();
  }

  /** (Re)starts the stall timer while some flushed segment is unfinished. */
  private armStall(): void {
    this.disarmStall();
    if (!this.inner || !this.segments.some((s) => !s.ended)) return;
    const controller = this.innerController;
    this.stall = this.options.clock.setTimer(this.timeoutMs, () => {
      controller?.abort(providerTimeout(this.chain[this.handover.index]?.label ?? 'tts', this.timeoutMs));
    });
  }

  private disarmStall(): void {
    this.stall?.cancel();
    this.stall = null;
  }

  private abort(): void {
    this.disarmStall();
    this.controller.abort();
    this.innerController?.abort();
    this.out.abort();
  }
}
