import { ProviderError } from '../../errors.js';
import { Resampler, type SampleRate } from '../../pipeline/audio/resampler.js';
import type { Clock } from '../../pipeline/clock.js';
import { toProviderError } from '../errors.js';
import { holdClock, type OpenAiEndpoint, openAiPost } from '../llm/openai-http.js';
import { SegmentedTtsSession } from './segmented-session.js';
import type { TtsChunk, TtsProvider, TtsStream, TtsStreamOptions } from './tts.js';

const LABEL = 'openai.tts';
/** `response_format: "pcm"` is raw 24 kHz 16-bit signed little-endian mono (OpenAI TTS guide, "Supported output formats"). */
const PCM_RATE = 24000;

export interface OpenAiTtsOptions {
  clock: Clock;
  endpoint: OpenAiEndpoint;
  /** Used when the agent names none (default `gpt-4o-mini-tts`; `tts-1` is the older, faster one). */
  model?: string;
  /** Used when the agent names none (default `alloy`). */
  voice?: string;
}

/**
 * OpenAI-compatible speech (`POST {base}/audio/speech`, also served by e.g. Kokoro-FastAPI and
 * openedai-speech): one request per flushed segment, `response_format: "pcm"`, the body read as
 * it streams and resampled from 24 kHz to the asked rate (`pipeline/audio/resampler.ts`, one
 * filter per stream so segments join without a click). Raw undici `fetch`, not the SDK: the SDK
 * hands back the same `Response`, plus its own retries (openai-http.ts).
 *
 * Segments are spoken in order, one request at a time: the endpoint has no input streaming, so
 * the first clause's request starts at its flush while the LLM is still writing the next one.
 * Each `segment_end` carries `characters` (what OpenAI bills: the input's length). Agent options
 * (`tts.options`): `speed` (0.25–4), `instructions` (gpt-4o-mini-tts's speaking style).
 * Aborting the signal closes the connection and ends the stream at once.
 */
export class OpenAiTts implements TtsProvider {
  readonly kind = 'tts' as const;
  readonly label = LABEL;
  readonly capabilities = { streaming: true, sampleRates: [24000, 16000, 8000] as const };

  constructor(private readonly options: OpenAiTtsOptions) {}

  stream(options: TtsStreamOptions): TtsStream {
    return new OpenAiTtsSession(this.options, options);
  }
}

class OpenAiTtsSession extends SegmentedTtsSession {
  private readonly controller = new AbortController();
  private readonly pcm: PcmChunker;

  constructor(
    private readonly options: OpenAiTtsOptions,
    private readonly streamOptions: TtsStreamOptions,
  ) {
    super();
    const rate = streamOptions.sampleRate;
    if (rate !== 24000 && rate !== 16000 && rate !== 8000)
      throw new ProviderError({ provider: LABEL, retryable: false, message: `${LABEL}: cannot produce ${rate} Hz` });
    this.pcm = new PcmChunker(rate);
    const signal = streamOptions.signal;
    if (signal?.aborted) this.abort();
    else signal?.addEventListener('abort', () => this.abort(), { once: true });
  }

  /** OpenAI bills the input's characters. */
  protected override segmentEnd(segment: number, text: string, spoken: string): TtsChunk {
    return { type: 'segment_end', segment, text, characters: spoken.length };
  }

  protected override failure(error: unknown): unknown {
    return this.controller.signal.aborted ? undefined : toProviderError(LABEL, error);
  }

  protected async synthesise(segment: number, input: string): Promise<void> {
    const extra = this.streamOptions.options ?? {};
    const body: Record<string, unknown> = {
      model: this.streamOptions.model ?? this.options.model ?? 'gpt-4o-mini-tts',
      input,
      voice: this.streamOptions.voice ?? this.options.voice ?? 'alloy',
      response_format: 'pcm',
    };
    if (typeof extra.speed === 'number') body.speed = extra.speed;
    if (typeof extra.instructions === 'string') body.instructions = extra.instructions;
    const release = holdClock(this.options.clock);
    try {
      const response = await openAiPost({
        provider: LABEL,
        endpoint: this.options.endpoint,
        path: '/audio/speech',
        body,
        signal: this.controller.signal,
      });
      const reader = response.body?.getReader();
      if (!reader) return;
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const pcm = this.pcm.push(value);
          if (pcm && !this.out.closed) this.out.push({ type: 'audio', segment, pcm });
        }
      } finally {
        await reader.cancel().catch(() => {});
      }
    } finally {
      release();
    }
  }

  private abort(): void {
    this.controller.abort();
    this.out.abort();
  }
}

/**
 * Bytes of 24 kHz s16le as they arrive (any length, a sample may straddle two chunks) → PCM16 at
 * the stream's rate. The copy into a fresh `Int16Array` is also what aligns the samples (a
 * network chunk may start at an odd offset); hosts are little-endian, as Node's platforms are.
 */
export class PcmChunker {
  private carry: number | null = null;
  private readonly resampler: Resampler | null;

  constructor(rate: SampleRate) {
    this.resampler = rate === PCM_RATE ? null : new Resampler({ from: PCM_RATE, to: rate });
  }

  /** The samples completed by `bytes`, resampled; null when none. */
  push(bytes: Uint8Array): Int16Array | null {
    const start = this.carry === null ? 0 : 1;
    const total = bytes.length + start;
    const count = total >> 1;
    if (count === 0) {
      if (bytes.length) this.carry = bytes[0] as number;
      return null;
    }
    const samples = new Int16Array(count);
    const view = new Uint8Array(samples.buffer);
    if (this.carry !== null) {
      view[0] = this.carry;
      view.set(bytes.subarray(0, count * 2 - 1), 1);
    } else view.set(bytes.subarray(0, count * 2));
    this.carry = total % 2 === 1 ? (bytes[bytes.length - 1] as number) : null;
    if (!this.resampler) return samples;
    const out = new Int16Array(this.resampler.outputLength(count));
    const written = this.resampler.process(samples, out);
    return written === out.length ? out : out.subarray(0, written);
  }
}
