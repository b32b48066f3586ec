import type WebSocket from 'ws';
import { decodeMulaw, encodeMulaw } from '../../pipeline/audio/g711.js';
import type { Clock } from '../../pipeline/clock.js';
import { AsyncQueue } from '../async-queue.js';
import { toProviderError } from '../errors.js';
import type { RetryOptions } from '../provider.js';
import { withRetry } from '../retry.js';
import { closeError, openWebSocket, sendJson } from '../websocket.js';
import { parseServerEvent, type ServerEvent, sessionUpdate } from './openai-events.js';
import type { RealtimeEvent, RealtimeProvider, RealtimeSession, RealtimeStreamOptions } from './realtime.js';

/**
 * OpenAI Realtime (speech to speech) over WebSocket, GA interface
 * (`wss://api.openai.com/v1/realtime?model=…`, `Authorization: Bearer`, no `OpenAI-Beta`
 * header: the beta interface is deprecated; https://developers.openai.com/api/docs/guides/realtime-websocket).
 * Raw `ws`, not the `openai` SDK's realtime client: the SDK only wraps the same socket in an event
 * emitter, and the media path is base64 audio in JSON either way.
 *
 * Audio: 24 kHz PCM16 (`audio/pcm`, the only PCM rate GA takes) or 8 kHz G.711 μ-law
 * (`audio/pcmu`), encoded and decoded here with `pipeline/audio/g711.ts`, so a phone call
 * needs no resampling at all. Turn detection: `server_vad` (the model answers by itself) or
 * `none` (option `turn_detection: "none"`: our VAD decides and the engine asks with `sendText`).
 *
 * Barge-in (`interrupt(playedMs)`): `response.cancel` for the response in progress, and
 * `conversation.item.truncate` of the assistant item at `audio_end_ms` = what the caller heard
 * (clamped to the audio received, which OpenAI requires), so the model's memory of what it said
 * matches the call; audio of the cancelled response still in flight is dropped.
 *
 * Transcripts: the agent's as it is generated (`final: false`, the text so far) and whole
 * (`final: true`); the caller's from input transcription. Usage: `response.done`'s tokens on the
 * `response_done` event. Failures: the handshake is retried (`connect` options); a socket that
 * drops mid-session ends the session with a retryable `ProviderError` (the conversation lives on
 * OpenAI's side and cannot be resumed on a new socket; realtime has no fallback, so the call
 * ends with `provider_error`). Error events (e.g. a truncate past the audio) are not fatal; they
 * are kept in `errors`.
 */
export interface OpenAiRealtimeOptions {
  apiKey: string;
  clock: Clock;
  /** Default `wss://api.openai.com/v1` (or from `OPENAI_BASE_URL` in the registry). */
  baseUrl?: string;
  /** Default `gpt-realtime`. */
  model?: string;
  /** Default `gpt-4o-mini-transcribe`. */
  transcriptionModel?: string;
  /** Opening the socket: retries, backoff and the timeout of one attempt. */
  connect?: Partial<RetryOptions>;
}

export class OpenAiRealtime implements RealtimeProvider {
  readonly kind = 'realtime' as const;
  readonly label = 'openai.realtime';
  readonly capabilities = { sampleRates: [24000, 8000] as const, serverVad: true };

  constructor(private readonly options: OpenAiRealtimeOptions) {}

  stream(streamOptions: RealtimeStreamOptions): OpenAiRealtimeSession {
    return new OpenAiRealtimeSession(this.options, streamOptions, this.label);
  }
}

export class OpenAiRealtimeSession implements RealtimeSession {
  private readonly out = new AsyncQueue<RealtimeEvent>();
  private readonly controller = new AbortController();
  private readonly queued: string[] = [];
  private ws: WebSocket | null = null;
  private readonly ulaw: boolean;
  private scratch = new Uint8Array(160);
  /** The response being generated (between `response.created` and `response.done`). */
  private activeResponse: string | null = null;
  /** Responses cancelled by `interrupt`: their late audio and transcripts are dropped. */
  private readonly cancelled = new Set<string>();
  /** The assistant item whose audio was received last, and how many ms of it. */
  private audioItem: { id: string; ms: number } | null = null;
  private agentText = '';
  /** Error events the server sent (not fatal), newest last. */
  readonly errors: { code: string; message: string }[] = [];

  constructor(
    private readonly options: OpenAiRealtimeOptions,
    private readonly streamOptions: RealtimeStreamOptions,
    private readonly label: string,
  ) {
    this.ulaw = streamOptions.sampleRate === 8000;
    const signal = streamOptions.signal;
    if (signal?.aborted) this.abort();
    else {
      signal?.addEventListener('abort', () => this.abort(), { once: true });
      void this.connect();
    }
  }

  pushAudio(pcm: Int16Array): void {
    if (this.out.closed) return;
    let audio: string;
    if (this.ulaw) {
      if (this.scratch.length < pcm.length) this.scratch = new Uint8Array(pcm.length);
      const bytes = this.scratch.subarray(0, pcm.length);
      encodeMulaw(pcm, bytes);
      audio = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
    } else audio = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
    this.send({ type: 'input_audio_buffer.append', audio });
  }

  sendText(text: string, options: { role: 'user' | 'system'; respond: boolean }): void {
    this.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: options.role, content: [{ type: 'input_text', text }] },
    });
    if (options.respond) this.send({ type: 'response.create' });
  }

  sendToolResult(callId: string, output: string): void {
    this.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output } });
    this.send({ type: 'response.create' });
  }

  interrupt(playedMs: number): void {
    if (this.activeResponse !== null) {
      this.cancelled.add(this.activeResponse);
      this.send({ type: 'response.cancel' });
      this.activeResponse = null;
    }
    const item = this.audioItem;
    if (item !== null) {
      this.send({
        type: 'conversation.item.truncate',
        item_id: item.id,
        content_index: 0,
        audio_end_ms: Math.max(0, Math.min(Math.round(playedMs), Math.floor(item.ms))),
      });
      this.audioItem = null;
    }
  }

  close(): void {
    this.ws?.close(1000);
    this.out.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<RealtimeEvent> {
    return this.out[Symbol.asyncIterator]();
  }

  private send(message: unknown): void {
    if (this.out.closed) return;
    if (!sendJson(this.ws, message)) this.queued.push(JSON.stringify(message));
  }

  private async connect(): Promise<void> {
    const model = this.streamOptions.model || this.options.model || 'gpt-realtime';
    const base = this.options.baseUrl ?? 'wss://api.openai.com/v1';
    let ws: WebSocket;
    try {
      ws = await withRetry(
        ({ signal }) =>
          openWebSocket({
            url: `${base}/realtime?model=${encodeURIComponent(model)}`,
            headers: { Authorization: `Bearer ${this.options.apiKey}` },
            provider: this.label,
            signal,
          }),
        {
          clock: this.options.clock,
          provider: this.label,
          retry: this.options.connect,
          signal: this.controller.signal,
        },
      );
    } catch (caught) {
      if (!this.controller.signal.aborted) this.out.fail(toProviderError(this.label, caught));
      return;
    }
    if (this.out.closed) {
      ws.close(1000);
      return;
    }
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onEvent(parseServerEvent((data as Buffer).toString('utf8')));
    });
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString('utf8')));
    ws.on('error', () => {
      // 'close' follows; the decision is taken there.
    });
    const o = this.streamOptions.options ?? {};
    ws.send(
      JSON.stringify(
        sessionUpdate({
          instructions: this.streamOptions.instructions,
          voice: this.streamOptions.voice,
          tools: this.streamOptions.tools,
          sampleRate: this.streamOptions.sampleRate,
          turnDetection: o.turn_detection === 'none' ? 'none' : 'server_vad',
          transcriptionModel: this.options.transcriptionModel ?? 'gpt-4o-mini-transcribe',
          silenceDurationMs: typeof o.silence_duration_ms === 'number' ? o.silence_duration_ms : undefined,
        }),
      ),
    );
    for (const message of this.queued) ws.send(message);
    this.queued.length = 0;
  }

  private onEvent(event: ServerEvent | null): void {
    if (event === null || this.out.closed) return;
    const at = this.options.clock.now();
    switch (event.type) {
      case 'response.created':
        this.activeResponse = event.responseId;
        this.agentText = '';
        return;
      case 'audio.delta': {
        if (this.cancelled.has(event.responseId)) return;
        const pcm = this.decode(event.audio);
        if (this.audioItem?.id !== event.itemId) this.audioItem = { id: event.itemId, ms: 0 };
        this.audioItem.ms += (pcm.length * 1000) / this.streamOptions.sampleRate;
        this.out.push({ type: 'audio', pcm, responseId: event.responseId });
        return;
      }
      case 'transcript.delta':
        if (this.cancelled.has(event.responseId)) return;
        this.agentText += event.delta;
        this.out.push({
          type: 'transcript',
          role: 'agent',
          text: this.agentText,
          final: false,
          responseId: event.responseId,
        });
        return;
      case 'transcript.done':
        if (this.cancelled.has(event.responseId)) return;
        this.out.push({
          type: 'transcript',
          role: 'agent',
          text: event.transcript,
          final: true,
          responseId: event.responseId,
        });
        return;
      case 'user.transcript':
        this.out.push({ type: 'transcript', role: 'user', text: event.transcript.trim(), final: true });
        return;
      case 'speech_started':
        this.out.push({ type: 'speech_started', at });
        return;
      case 'speech_stopped':
        this.out.push({ type: 'speech_stopped', at });
        return;
      case 'function_call':
        this.out.push({ type: 'tool_call', callId: event.callId, name: event.name, arguments: event.arguments });
        return;
      case 'response.done':
        if (this.activeResponse === event.responseId) this.activeResponse = null;
        this.cancelled.delete(event.responseId);
        this.out.push({
          type: 'response_done',
          responseId: event.responseId,
          ...(event.usage ? { usage: event.usage } : {}),
        });
        return;
      case 'error':
        this.errors.push({ code: event.code, message: event.message });
        return;
    }
  }

  /** A new buffer per delta: the interface lets the consumer keep it (pacer, recorder). */
  private decode(base64: string): Int16Array {
    if (this.ulaw) {
      const bytes = Buffer.from(base64, 'base64');
      const pcm = new Int16Array(bytes.length);
      decodeMulaw(bytes, pcm);
      return pcm;
    }
    // Decoded straight into the chunk's own buffer: no intermediate Buffer and copy.
    const pcm = new Int16Array(Buffer.byteLength(base64, 'base64') >> 1);
    Buffer.from(pcm.buffer).write(base64, 0, 'base64');
    return pcm;
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    this.ws = null;
    if (this.out.closed || this.controller.signal.aborted) return;
    const error =
      closeError(this.label, code, reason) ??
      toProviderError(this.label, Object.assign(new Error('closed the session'), { code: 'ECONNRESET' }));
    this.out.fail(error);
  }

  private abort(): void {
    this.controller.abort();
    this.ws?.terminate();
    this.ws = null;
    this.out.abort();
  }
}
