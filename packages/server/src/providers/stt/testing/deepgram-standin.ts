import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * A local stand-in for Deepgram's live transcription WebSocket, written from Deepgram's
 * documentation, not from our adapter:
 * - API reference, "Listen streaming" (https://developers.deepgram.com/reference/speech-to-text-api/listen-streaming):
 *   `GET /v1/listen` upgraded to a WebSocket, `Authorization: Token <key>`, query parameters
 *   (`encoding`, `sample_rate`, `channels`, `interim_results`, `endpointing`, `utterance_end_ms`,
 *   `vad_events`, …), binary audio in, `Results` / `SpeechStarted` / `UtteranceEnd` / `Metadata` out;
 *   a refused handshake is an HTTP error (401 for a bad key, 429 when over the concurrency limit).
 * - "Endpointing" and "Interim results" (https://developers.deepgram.com/docs/understand-endpointing-interim-results):
 *   `is_final: false` interims while speaking; after `endpointing` ms of silence a result with
 *   `is_final: true, speech_final: true`.
 * - "Utterance end" (https://developers.deepgram.com/docs/utterance-end): `UtteranceEnd` with
 *   `last_word_end` after `utterance_end_ms` without words (needs `interim_results=true`).
 * - "Speech started" (https://developers.deepgram.com/docs/start-of-speech-detection): with
 *   `vad_events=true`, `SpeechStarted` with `timestamp` when speech begins.
 * - "Finalize" (https://developers.deepgram.com/docs/finalize): `{"type":"Finalize"}` flushes;
 *   the result carries `from_finalize: true`.
 * - "Close stream" (https://developers.deepgram.com/docs/close-stream): `{"type":"CloseStream"}`
 *   → remaining results, a `Metadata` with the audio `duration`, then the socket closes.
 * - "Audio keep alive" (https://developers.deepgram.com/docs/audio-keep-alive): `{"type":"KeepAlive"}`
 *   as a text frame; no reply; without audio or KeepAlive for 10 s the socket closes (NET-0001).
 *
 * It cannot recognise speech, so it "hears" energy: a frame whose mean absolute sample is above
 * `speechLevel` is speech, and each utterance is given the next of `transcripts` (words spread
 * evenly over it). Time is the audio received (samples / sample_rate), so results do not depend on
 * how fast a test sends.
 */
export interface DeepgramStandinOptions {
  apiKey?: string;
  /** What each utterance says, in order (the last repeats). */
  transcripts?: string[];
  /** An interim every this much speech (default 200 ms). */
  interimEveryMs?: number;
  speechLevel?: number;
  /** Real-time idle limit before NET-0001 (default 10 000 ms). */
  idleTimeoutMs?: number;
}

export interface StandinConnection {
  query: URLSearchParams;
  authorization: string | undefined;
  audioBytes: number;
  /** Control messages received, by `type`, in order. */
  controls: string[];
  socket: WebSocket;
}

interface Utterance {
  startMs: number;
  lastSpeechMs: number;
  text: string;
  interimAtMs: number;
  finalized: boolean;
}

export class DeepgramStandin {
  readonly connections: StandinConnection[] = [];
  /** Handshakes to refuse next, in order: HTTP status, optional Retry-After seconds. */
  readonly refuse: { status: number; retryAfter?: string }[] = [];
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private utterances = 0;

  constructor(private readonly options: DeepgramStandinOptions = {}) {
    this.server = createServer((_req, res) => res.writeHead(404).end());
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Drops the current connection without a close frame (the client sees 1006). */
  drop(): void {
    this.connections.at(-1)?.socket.terminate();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://standin');
    const refusal = this.refuse.shift();
    const key = this.options.apiKey ?? 'dg-test-key';
    let status = refusal?.status;
    if (status === undefined && url.pathname !== '/v1/listen') status = 404;
    if (status === undefined && req.headers.authorization !== `Token ${key}`) status = 401;
    if (status !== undefined) {
      const body = JSON.stringify({ err_code: status === 401 ? 'INVALID_AUTH' : 'REFUSED', err_msg: `HTTP ${status}` });
      const retry = refusal?.retryAfter ? `Retry-After: ${refusal.retryAfter}\r\n` : '';
      socket.end(
        `HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\n${retry}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, url.searchParams, req.headers.authorization));
  }

  private serve(ws: WebSocket, query: URLSearchParams, authorization: string | undefined): void {
    const connection: StandinConnection = { query, authorization, audioBytes: 0, controls: [], socket: ws };
    this.connections.push(connection);
    const rate = Number(query.get('sample_rate') ?? 16000);
    const endpointing =
      query.get('endpointing') === 'false' ? Number.POSITIVE_INFINITY : Number(query.get('endpointing') ?? 10);
    const utteranceEndMs = Number(query.get('utterance_end_ms') ?? 0);
    const interims = query.get('interim_results') === 'true';
    const vadEvents = query.get('vad_events') === 'true';
    const level = this.options.speechLevel ?? 500;
    const interimEvery = this.options.interimEveryMs ?? 200;
    let audioMs = 0;
    let lastWordEndMs = -1;
    let utteranceEndSent = true;
    let current: Utterance | null = null;
    const send = (message: unknown) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(message));
    const words = (u: Utterance, upToMs: number) => {
      const all = u.text.split(' ');
      const span = Math.max(1, u.lastSpeechMs - u.startMs) / all.length;
      return all
        .map((w, i) => ({
          word: w.toLowerCase().replace(/[.,!?]/g, ''),
          punctuated_word: w,
          start: (u.startMs + i * span) / 1000,
          end: (u.startMs + (i + 0.8) * span) / 1000,
          confidence: 0.97,
        }))
        .filter((w) => w.end * 1000 <= upToMs);
    };
    const result = (u: Utterance, final: { speechFinal: boolean; fromFinalize: boolean } | null) => {
      const heard = words(u, final ? Number.POSITIVE_INFINITY : audioMs);
      const start = u.startMs / 1000;
      send({
        type: 'Results',
        channel_index: [0, 1],
        duration: audioMs / 1000 - start,
        start,
        is_final: final !== null,
        speech_final: final?.speechFinal ?? false,
        from_finalize: final?.fromFinalize ?? false,
        channel: {
          alternatives: [{ transcript: heard.map((w) => w.punctuated_word).join(' '), confidence: 0.97, words: heard }],
        },
        metadata: { request_id: 'standin', model_info: { name: query.get('model') } },
      });
    };
    const finalize = (fromFinalize: boolean) => {
      if (!current || current.finalized) return;
      current.finalized = true;
      result(current, { speechFinal: !fromFinalize, fromFinalize });
      lastWordEndMs = current.lastSpeechMs;
      utteranceEndSent = false;
      current = null;
    };
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => ws.close(1011, 'NET-0001'), this.options.idleTimeoutMs ?? 10_000);
    };
    touch();
    ws.on('close', () => clearTimeout(idle));
    ws.on('message', (data, isBinary) => {
      touch();
      if (!isBinary) {
        const type = String(JSON.parse(String(data)).type);
        connection.controls.push(type);
        if (type === 'Finalize') finalize(true);
        if (type === 'CloseStream') {
          finalize(true);
          send({
            type: 'Metadata',
            transaction_key: 'deprecated',
            request_id: 'standin',
            duration: audioMs / 1000,
            channels: 1,
          });
          ws.close(1000);
        }
        return;
      }
      const buf = data as Buffer;
      connection.audioBytes += buf.length;
      const all = new Int16Array(buf.buffer, buf.byteOffset, buf.length >> 1);
      // Deepgram takes audio in any chunking; the stand-in listens in 10 ms slices.
      const slice = rate / 100;
      for (let at = 0; at < all.length; at += slice) hear(all.subarray(at, Math.min(all.length, at + slice)));
    });
    const hear = (pcm: Int16Array) => {
      let sum = 0;
      for (const s of pcm) sum += Math.abs(s);
      const frameMs = (pcm.length * 1000) / rate;
      const speech = pcm.length > 0 && sum / pcm.length > level;
      const frameStart = audioMs;
      audioMs += frameMs;
      if (speech) {
        if (!current) {
          const transcripts = this.options.transcripts ?? ['hello there'];
          const text = transcripts[Math.min(this.utterances++, transcripts.length - 1)] as string;
          current = {
            startMs: frameStart,
            lastSpeechMs: audioMs,
            text,
            interimAtMs: frameStart + interimEvery,
            finalized: false,
          };
          if (vadEvents) send({ type: 'SpeechStarted', channel: [0], timestamp: frameStart / 1000 });
        }
        current.lastSpeechMs = audioMs;
        if (interims && audioMs >= current.interimAtMs) {
          current.interimAtMs += interimEvery;
          result(current, null);
        }
      } else if (current && audioMs - current.lastSpeechMs >= endpointing) finalize(false);
      if (!utteranceEndSent && utteranceEndMs > 0 && !current && audioMs - lastWordEndMs >= utteranceEndMs) {
        utteranceEndSent = true;
        send({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: lastWordEndMs / 1000 });
      }
    };
  }
}
