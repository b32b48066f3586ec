import type { SpeechMark } from '../pipeline/speech-mark.js';
import { AsyncQueue } from './async-queue.js';
import { toProviderError } from './errors.js';
import type { ResilienceOptions } from './fallback.js';
import { Handover } from './handover.js';
import type { SttEvent, SttProvider, SttStream, SttStreamOptions } from './stt/stt.js';

/** Audio kept for replay into a replacement session: the caller's words since the last final. */
const REPLAY_MS = 10_000;

/**
 * The audio pushed since the last final, in preallocated rings (no allocation per frame): the
 * samples, and each frame's length and mark. When full, the oldest frames are dropped.
 */
class ReplayBuffer {
  private readonly samples: Int16Array;
  private readonly lengths: Int32Array;
  private readonly marks: (SpeechMark | undefined)[];
  private head = 0;
  private frames = 0;
  private firstFrame = 0;
  private used = 0;
  private scratch = new Int16Array(0);

  constructor(sampleRate: number) {
    this.samples = new Int16Array(Math.ceil((sampleRate * REPLAY_MS) / 1000));
    // 10 ms frames at the least, so twice the 20 ms frame count.
    this.lengths = new Int32Array(Math.ceil(REPLAY_MS / 10));
    this.marks = new Array(this.lengths.length);
  }

  push(pcm: Int16Array, mark: SpeechMark | undefined): void {
    if (pcm.length > this.samples.length) return;
    while (this.frames > 0 && (this.used + pcm.length > this.samples.length || this.frames === this.lengths.length))
      this.dropOldest();
    for (let i = 0; i < pcm.length; i++) this.samples[(this.head + i) % this.samples.length] = pcm[i] as number;
    this.head = (this.head + pcm.length) % this.samples.length;
    const slot = (this.firstFrame + this.frames) % this.lengths.length;
    this.lengths[slot] = pcm.length;
    this.marks[slot] = mark;
    this.frames++;
    this.used += pcm.length;
  }

  clear(): void {
    this.frames = 0;
    this.used = 0;
    this.marks.fill(undefined);
  }

  /** Pushes every kept frame, oldest first, into `sink`. */
  replay(sink: (pcm: Int16Array, mark: SpeechMark | undefined) => void): void {
    let at = (this.head - this.used + this.samples.length) % this.samples.length;
    for (let f = 0; f < this.frames; f++) {
      const slot = (this.firstFrame + f) % this.lengths.length;
      const length = this.lengths[slot] as number;
      if (this.scratch.length !== length) this.scratch = new Int16Array(length);
      for (let i = 0; i < length; i++) this.scratch[i] = this.samples[(at + i) % this.samples.length] as number;
      at = (at + length) % this.samples.length;
      sink(this.scratch, this.marks[slot]);
    }
  }

  private dropOldest(): void {
    this.used -= this.lengths[this.firstFrame] as number;
    this.marks[this.firstFrame] = undefined;
    this.firstFrame = (this.firstFrame + 1) % this.lengths.length;
    this.frames--;
  }
}

/** See `withFallback`. The STT has no attempt timeout: a session may rightly be silent for minutes. */
export function resilientStt(chain: readonly SttProvider[], options: ResilienceOptions): SttProvider {
  const primary = chain[0] as SttProvider;
  return {
    kind: 'stt',
    label: primary.label,
    capabilities: primary.capabilities,
    stream: (streamOptions) => new ResilientSttSession(chain, options, streamOptions),
  };
}

class ResilientSttSession implements SttStream {
  private readonly out = new AsyncQueue<SttEvent>();
  private readonly handover: Handover;
  private readonly replay: ReplayBuffer;
  private readonly controller = new AbortController();
  private inner: SttStream | null = null;
  private innerController: AbortController | null = null;
  private inputEnded = false;
  /** A flush not yet answered by a final: a replacement session is asked again. */
  private flushPending = false;

  constructor(
    private readonly chain: readonly SttProvider[],
    options: ResilienceOptions,
    private readonly streamOptions: SttStreamOptions,
  ) {
    this.handover = new Handover(chain, options);
    this.replay = new ReplayBuffer(streamOptions.sampleRate);
    const signal = streamOptions.signal;
    if (signal?.aborted) this.abort();
    else signal?.addEventListener('abort', () => this.abort(), { once: true });
    if (!this.controller.signal.aborted) this.open(0);
  }

  pushAudio(pcm: Int16Array, mark?: SpeechMark): void {
    if (this.inputEnded || this.out.closed) return;
    this.replay.push(pcm, mark);
    this.inner?.pushAudio(pcm, mark);
  }

  flush(): void {
    this.flushPending = true;
    this.inner?.flush();
  }

  endInput(): void {
    this.inputEnded = true;
    this.inner?.endInput();
  }

  [Symbol.asyncIterator](): AsyncIterator<SttEvent> {
    return this.out[Symbol.asyncIterator]();
  }

  private open(index: number): void {
    const provider = this.chain[index] as SttProvider;
    const controller = new AbortController();
    this.innerController = controller;
    const inner = provider.stream({ ...this.streamOptions, signal: controller.signal });
    this.inner = inner;
    this.replay.replay((pcm, mark) => inner.pushAudio(pcm, mark));
    if (this.flushPending) inner.flush();
    if (this.inputEnded) inner.endInput();
    void this.pump(inner, provider.label);
  }

  private async pump(inner: SttStream, label: string): Promise<void> {
    let produced = false;
    try {
      for await (const event of inner) {
        produced = true;
        this.handover.succeeded();
        if (event.type === 'final') {
          this.replay.clear();
          this.flushPending = false;
        }
        this.out.push(event);
      }
      this.out.end();
    } catch (caught) {
      if (this.controller.signal.aborted) return;
      this.inner = null;
      const error = toProviderError(label, caught);
      try {
        const next = await this.handover.next(error, produced, this.controller.signal);
        if (next === null) this.out.fail(error);
        else this.open(next);
      } catch {
        // Aborted during the backoff: the session is over.
      }
    }
  }

  private abort(): void {
    this.controller.abort();
    this.innerController?.abort();
    this.out.abort();
  }
}
