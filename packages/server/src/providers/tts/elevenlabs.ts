import type WebSocket from 'ws';
import { AsyncQueue } from '../async-queue.js';
import { toProviderError } from '../errors.js';
import { closeError, openWebSocket } from '../websocket.js';
import { SegmentTracker } from './elevenlabs-segments.js';
import type { TtsChunk, TtsProvider, TtsStream, TtsStreamOptions } from './tts.js';

/**
 * ElevenLabs streaming synthesis over the WebSocket input-streaming API
 * (`wss://api.elevenlabs.io/v1/text-to-speech/{voice_id}/stream-input`,
 * https://elevenlabs.io/docs/api-reference/text-to-speech/v-1-text-to-speech-voice-id-stream-input),
 * so that the first clause is spoken while the LLM is still writing the rest. Raw `ws`, not
 * `@elevenlabs/elevenlabs-js`: the SDK's HTTP streaming takes the whole text up front, and its
 * socket helper would add a layer between the vendor's bytes and our chunks.
 *
 * Protocol, as documented: `model_id` and `output_format` in the query (`pcm_<rate>`: raw
 * little-endian PCM16 at the rate the engine asks for, 8, 16 or 24 kHz, so no resampling here);
 * key in the `xi-api-key` header; a first message `{"text":" ", "voice_settings", "generation_config"}`;
 * then text as it arrives with `try_trigger_generation: true` (ElevenLabs starts once
 * `chunk_length_schedule[0]` characters are buffered); a clause boundary (our `flush`) sends
 * `{"text":" ","flush":true}`, which generates everything buffered; `{"text":""}` (our
 * `endInput`) ends the input. The server answers `{"audio": base64, "alignment": {chars,
 * charStartTimesMs, charDurationsMs}}` and last `{"isFinal": true}`, then closes.
 *
 * Audio carries no segment number, so the `alignment` (the characters each chunk speaks) maps it
 * to our segments (`SegmentTracker`). A dropped socket, a 429/5xx handshake and a 1011 close end
 * the iterator with a retryable `ProviderError`: the fallback wrapper re-synthesises the
 * unfinished segments on a new socket. Cost: ElevenLabs bills characters sent;
 * `ElevenLabsTtsSession.characters` counts them (and each `segment_end` carries its text).
 */
export interface ElevenLabsTtsOptions {
  apiKey: string;
  /** Default `wss://api.elevenlabs.io` (a stand-in in tests). */
  baseUrl?: string;
  /** Default `eleven_flash_v2_5` (~75 ms to first audio per ElevenLabs); the agent's `tts.model` overrides it. */
  model?: string;
  /** Default voice when the agent names none ("Rachel", a premade voice). */
  voice?: string;
  /** Characters buffered before each generation (documented default 120, 160, 250, 290); lower starts sooner. */
  chunkLengthSchedule?: readonly number[];
}

const DEFAULT_VOICE = '21m00Tcm4TlvDq8ikWAM';

export class ElevenLabsTts implements TtsProvider {
  readonly kind = 'tts' as const;
  readonly label = 'elevenlabs.tts';
  readonly capabilities = { streaming: true, sampleRates: [16000, 8000, 24000] as const };

  constructor(private readonly options: ElevenLabsTtsOptions) {}

  stream(streamOptions: TtsStreamOptions): ElevenLabsTtsSession {
    return new ElevenLabsTtsSession(this.options, streamOptions, this.label);
  }
}

/** Voice settings the agent's `tts.options` may give (ElevenLabs names). */
function voiceSettings(options: Record<string, unknown> | undefined): Record<string, unknown> {
  const settings: Record<string, unknown> = { stability: 0.5, similarity_boost: 0.8 };
  for (const key of ['stability', 'similarity_boost', 'style', 'use_speaker_boost', 'speed'])
    if (options?.[key] !== undefined) settings[key] = options[key];
  return settings;
}

export class ElevenLabsTtsSession implements TtsStream {
  private readonly out = new AsyncQueue<TtsChunk>();
  private readonly controller = new AbortController();
  private readonly segments = new SegmentTracker();
  private ws: WebSocket | null = null;
  /** Messages written before the socket opened. */
  private readonly queued: string[] = [];
  private inputEnded = false;
  private sentCharacters = 0;

  constructor(
    private readonly options: ElevenLabsTtsOptions,
    private readonly streamOptions: TtsStreamOptions,
    private readonly label: string,
  ) {
    const signal = streamOptions.signal;
    if (signal?.aborted) this.abort();
    else {
      signal?.addEventListener('abort', () => this.abort(), { once: true });
      void this.connect();
    }
  }

  /** Characters of text sent for synthesis (what ElevenLabs bills). */
  get characters(): number {
    return this.sentCharacters;
  }

  pushText(text: string): void {
    if (this.inputEnded || this.out.closed || text.length === 0) return;
    this.segments.append(text);
    this.sentCharacters += text.length;
    this.send({ text, try_trigger_generation: true });
  }

  flush(): void {
    if (this.inputEnded || this.out.closed) return;
    this.segments.close();
    this.send({ text: ' ', flush: true });
    this.emitEnded();
  }

  endInput(): void {
    if (this.inputEnded) return;
    if (this.segments.pendingText()) this.flush();
    this.inputEnded = true;
    this.send({ text: '' });
    this.emitEnded();
  }

  [Symbol.asyncIterator](): AsyncIterator<TtsChunk> {
    return this.out[Symbol.asyncIterator]();
  }

  private send(message: unknown): void {
    const text = JSON.stringify(message);
    if (this.ws !== null && this.ws.readyState === 1) this.ws.send(text);
    else this.queued.push(text);
  }

  private async connect(): Promise<void> {
    const voice = this.streamOptions.voice ?? this.options.voice ?? DEFAULT_VOICE;
    const params = new URLSearchParams({
      model_id: this.streamOptions.model ?? this.options.model ?? 'eleven_flash_v2_5',
      output_format: `pcm_${this.streamOptions.sampleRate}`,
    });
    const base = this.options.baseUrl ?? 'wss://api.elevenlabs.io';
    let ws: WebSocket;
    try {
      ws = await openWebSocket({
        url: `${base}/v1/text-to-speech/${encodeURIComponent(voice)}/stream-input?${params}`,
        headers: { 'xi-api-key': this.options.apiKey },
        provider: this.label,
        signal: this.controller.signal,
      });
    } catch (caught) {
      if (!this.controller.signal.aborted) this.out.fail(toProviderError(this.label, caught));
      return;
    }
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(data as Buffer);
    });
    ws.on('close', (code, reason) => this.onClose(code, reason.toString('utf8')));
    ws.on('error', () => {
      // 'close' follows; the decision is taken there.
    });
    const schedule = this.options.chunkLengthSchedule;
    ws.send(
      JSON.stringify({
        text: ' ',
        voice_settings: voiceSettings(this.streamOptions.options),
        ...(schedule ? { generation_config: { chunk_length_schedule: schedule } } : {}),
      }),
    );
    for (const message of this.queued) ws.send(message);
    this.queued.length = 0;
  }

  private onMessage(data: Buffer): void {
    if (this.out.closed) return;
    let message: {
      audio?: unknown;
      isFinal?: unknown;
      alignment?: { chars?: unknown } | null;
      error?: unknown;
      message?: unknown;
    };
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return;
    }
    if (typeof message.error === 'string' || (typeof message.message === 'string' && message.audio === undefined)) {
      // An error the server explains before closing (e.g. a bad voice id): not retried.
      this.out.fail(toProviderError(this.label, new Error(String(message.message ?? message.error))));
      this.ws?.terminate();
      return;
    }
    if (typeof message.audio === 'string' && message.audio.length > 0) {
      const bytes = Buffer.byteLength(message.audio, 'base64');
      const pcm = new Int16Array(bytes >> 1);
      // Decoded straight into the chunk's own buffer (the interface lets the consumer keep it).
      Buffer.from(pcm.buffer).write(message.audio, 0, 'base64');
      const chars = Array.isArray(message.alignment?.chars) ? (message.alignment.chars as string[]) : null;
      const segment = this.segments.audio(chars);
      this.out.push({ type: 'audio', pcm, segment });
      this.emitEnded();
    }
    if (message.isFinal === true) {
      this.segments.finish();
      this.emitEnded();
      this.out.end();
      this.ws?.close(1000);
    }
  }

  /** Yields `segment_end` for every segment whose audio is complete. */
  private emitEnded(): void {
    for (let ended = this.segments.takeEnded(); ended !== null; ended = this.segments.takeEnded())
      this.out.push({ type: 'segment_end', segment: ended.segment, text: ended.text });
  }

  private onClose(code: number, reason: string): void {
    this.ws = null;
    if (this.out.closed || this.controller.signal.aborted) return;
    this.out.fail(
      closeError(this.label, code, reason) ??
        toProviderError(this.label, Object.assign(new Error('closed before the final audio'), { code: 'ECONNRESET' })),
    );
  }

  private abort(): void {
    this.controller.abort();
    this.ws?.terminate();
    this.ws = null;
    this.out.abort();
  }
}
