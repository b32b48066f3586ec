import type WebSocket from 'ws';
import type { Clock, Timer } from '../../pipeline/clock.js';
import { AsyncQueue } from '../async-queue.js';
import { toProviderError } from '../errors.js';
import type { RetryOptions } from '../provider.js';
import { withRetry } from '../retry.js';
import { closeError, openWebSocket, sendJson } from '../websocket.js';
import { type DeepgramMessage, parseDeepgramMessage } from './deepgram-messages.js';
import { DeepgramReplay } from './deepgram-replay.js';
import type { SttEvent, SttProvider, SttStream, SttStreamOptions } from './stt.js';

/**
 * Deepgram live transcription over its WebSocket API (`wss://api.deepgram.com/v1/listen`,
 * https://developers.deepgram.com/reference/speech-to-text-api/listen-streaming). Raw `ws`, not
 * `@deepgram/sdk`: the SDK's LiveClient adds an event layer and its own keep-alive and buffering
 * on the media path, and hides the handshake status we classify (401, 429, 5xx). Audio frames
 * are sent as they are (ws masks them into its own frame buffer; no copy of ours).
 *
 * Protocol, as documented: query parameters configure the stream (`encoding=linear16`,
 * `sample_rate`, `channels=1`, `interim_results`, `endpointing`, `utterance_end_ms`,
 * `vad_events`, `smart_format`, `model`, `language`); `Authorization: Token <key>`. Text frames
 * from the server: `Results` (`is_final`, `speech_final`, `channel.alternatives[0]`),
 * `SpeechStarted`, `UtteranceEnd`, `Metadata`. Text frames to it: `KeepAlive` (docs: every 3–5 s
 * of silence, else NET-0001 closes the socket after 10 s), `Finalize` (our `flush`),
 * `CloseStream` (our `endInput`: the server sends the last results and `Metadata`, then closes).
 *
 * Reconnect: a socket that drops mid-session is reopened (through `withRetry`, the `reconnect`
 * options) and sent again the audio since the last final (`DeepgramReplay`), so the words the
 * caller said meanwhile are not lost; Deepgram's timestamps restart at 0 on the new socket and
 * are shifted by where the replay starts. A refused reconnect ends the iterator with the
 * classified error, for the fallback wrapper to take over.
 *
 * Cost: Deepgram bills the audio streamed; `DeepgramSttSession.audioSeconds` is the audio pushed
 * and `billedSeconds` the `duration` of the last `Metadata` (sent at `CloseStream`).
 */
export interface DeepgramSttOptions {
  apiKey: string;
  clock: Clock;
  /** Default `wss://api.deepgram.com` (a stand-in in tests). */
  baseUrl?: string;
  /** Default `nova-3`; the agent's `stt.model` overrides it. */
  model?: string;
  /** Silence (ms) after which Deepgram marks `speech_final` (default 300; `false` turns it off). */
  endpointingMs?: number | false;
  /** Gap (ms) between words after which Deepgram sends `UtteranceEnd` (default 1000, the documented minimum). */
  utteranceEndMs?: number;
  /** Default true: `smart_format` (punctuation, numerals). */
  smartFormat?: boolean;
  /** A `KeepAlive` after this long without audio (default 4000 ms: docs ask for 3–5 s). */
  keepAliveMs?: number;
  /** Audio kept for replay after a dropped socket (default 10 s). */
  replayMs?: number;
  /** Opening (and reopening) the socket: retries, backoff and the timeout of one attempt. */
  reconnect?: Partial<RetryOptions>;
}

export class DeepgramStt implements SttProvider {
  readonly kind = 'stt' as const;
  readonly label = 'deepgram.stt';
  readonly capabilities = { interim: true, wordTimings: true, sampleRates: [16000, 8000] as const };

  constructor(private readonly options: DeepgramSttOptions) {}

  stream(streamOptions: SttStreamOptions): DeepgramSttSession {
    return new DeepgramSttSession(this.options, streamOptions);
  }

  /** The listen URL for a session (exported for tests and the stand-in's assertions). */
  url(streamOptions: SttStreamOptions): string {
    const o = this.options;
    const agent = streamOptions.options ?? {};
    const endpointing = agent.endpointing ?? o.endpointingMs ?? 300;
    const params = new URLSearchParams({
      encoding: 'linear16',
      sample_rate: String(streamOptions.sampleRate),
      channels: '1',
      interim_results: 'true',
      endpointing: String(endpointing),
      utterance_end_ms: String(agent.utterance_end_ms ?? o.utteranceEndMs ?? 1000),
      vad_events: 'true',
      smart_format: String(agent.smart_format ?? o.smartFormat ?? true),
      model: streamOptions.model ?? o.model ?? 'nova-3',
      language: streamOptions.language,
    });
    return `${o.baseUrl ?? 'wss://api.deepgram.com'}/v1/listen?${params}`;
  }
}

export class DeepgramSttSession implements SttStream {
  private readonly out = new AsyncQueue<SttEvent>();
  private readonly controller = new AbortController();
  private readonly replay: DeepgramReplay;
  private readonly clock: Clock;
  private readonly rate: number;
  private ws: WebSocket | null = null;
  /** Session time (ms) of the current socket's audio 0: where its replay started. */
  private offsetMs = 0;
  private keepAlive: Timer | null = null;
  private lastSentAt: number;
  private inputEnded = false;
  private flushPending = false;
  private metadataSeconds = 0;
  /** Sockets opened: 1 after the first connect, more after reconnects. */
  connections = 0;

  constructor(
    private readonly options: DeepgramSttOptions,
    private readonly streamOptions: SttStreamOptions,
    private readonly provider = new DeepgramStt(options),
  ) {
    this.clock = options.clock;
    this.rate = streamOptions.sampleRate;
    this.replay = new DeepgramReplay(this.rate, options.replayMs ?? 10_000);
    this.lastSentAt = this.clock.now();
    const signal = streamOptions.signal;
    if (signal?.aborted) this.abort();
    else {
      signal?.addEventListener('abort', () => this.abort(), { once: true });
      void this.connect();
    }
  }

  /** Seconds of audio pushed into the session (what Deepgram bills). */
  get audioSeconds(): number {
    return this.replay.total / this.rate;
  }

  /** Seconds Deepgram reported in its last `Metadata` (0 before `endInput` has been answered). */
  get billedSeconds(): number {
    return this.metadataSeconds;
  }

  pushAudio(pcm: Int16Array): void {
    if (this.inputEnded || this.out.closed) return;
    this.replay.push(pcm);
    const ws = this.ws;
    if (ws !== null && ws.readyState === 1) {
      ws.send(pcm);
      this.lastSentAt = this.clock.now();
    }
  }

  flush(): void {
    if (this.out.closed) return;
    this.flushPending = true;
    sendJson(this.ws, { type: 'Finalize' });
  }

  endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    sendJson(this.ws, { type: 'CloseStream' });
  }

  [Symbol.asyncIterator](): AsyncIterator<SttEvent> {
    return this.out[Symbol.asyncIterator]();
  }

  private async connect(): Promise<void> {
    const label = this.provider.label;
    let ws: WebSocket;
    try {
      ws = await withRetry(
        ({ signal }) =>
          openWebSocket({
            url: this.provider.url(this.streamOptions),
            headers: { Authorization: `Token ${this.options.apiKey}` },
            provider: label,
            signal,
          }),
        { clock: this.clock, provider: label, retry: this.options.reconnect, signal: this.controller.signal },
      );
    } catch (caught) {
      if (!this.controller.signal.aborted) this.out.fail(toProviderError(label, caught));
      return;
    }
    if (this.controller.signal.aborted) {
      ws.terminate();
      return;
    }
    this.connections++;
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(parseDeepgramMessage(data as Buffer));
    });
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString('utf8')));
    ws.on('error', () => {
      // 'close' follows every 'error' in ws; the decision is taken there.
    });
    this.offsetMs = (this.replay.first * 1000) / this.rate;
    this.replay.replay((pcm) => ws.send(pcm));
    this.lastSentAt = this.clock.now();
    if (this.flushPending) sendJson(ws, { type: 'Finalize' });
    if (this.inputEnded) sendJson(ws, { type: 'CloseStream' });
    this.scheduleKeepAlive();
  }

  private scheduleKeepAlive(): void {
    const every = this.options.keepAliveMs ?? 4000;
    this.keepAlive?.cancel();
    this.keepAlive = this.clock.setTimer(every, () => {
      if (this.out.closed || this.ws === null) return;
      if (this.clock.now() - this.lastSentAt >= every && sendJson(this.ws, { type: 'KeepAlive' }))
        this.lastSentAt = this.clock.now();
      this.scheduleKeepAlive();
    });
  }

  private onMessage(message: DeepgramMessage | null): void {
    if (message === null || this.out.closed) return;
    const at = this.clock.now();
    switch (message.type) {
      case 'SpeechStarted':
        this.out.push({ type: 'speech_started', at });
        return;
      case 'UtteranceEnd':
        this.out.push({ type: 'speech_ended', at });
        return;
      case 'Metadata':
        this.metadataSeconds = message.duration;
        return;
      case 'Results': {
        if (!message.isFinal) {
          if (message.transcript)
            this.out.push({ type: 'interim', text: message.transcript, confidence: message.confidence, at });
          return;
        }
        // Everything up to the end of this final is transcribed: a reconnect need not send it again.
        this.replay.dropUntil(((this.offsetMs + message.endMs) * this.rate) / 1000);
        if (message.fromFinalize || message.speechFinal) this.flushPending = false;
        if (!message.transcript) return;
        const offset = this.offsetMs;
        this.out.push({
          type: 'final',
          text: message.transcript,
          confidence: message.confidence,
          words: message.words.map((w) => ({ text: w.text, startMs: w.startMs + offset, endMs: w.endMs + offset })),
          endOfUtterance: message.speechFinal || message.fromFinalize,
          at,
        });
        return;
      }
    }
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    this.ws = null;
    this.keepAlive?.cancel();
    if (this.out.closed || this.controller.signal.aborted) return;
    const error = closeError(this.provider.label, code, reason);
    if (this.inputEnded && error === undefined) {
      this.out.end();
      return;
    }
    if (error && !error.retryable) {
      this.out.fail(error);
      return;
    }
    // Dropped (or closed early without our CloseStream): reopen and replay what is not final yet.
    void this.connect();
  }

  private abort(): void {
    this.controller.abort();
    this.keepAlive?.cancel();
    this.ws?.terminate();
    this.ws = null;
    this.out.abort();
  }
}
