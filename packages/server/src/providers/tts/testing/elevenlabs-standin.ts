import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * A local stand-in for ElevenLabs' text-to-speech WebSocket (input streaming), written from the
 * documentation, not from our adapter:
 * - API reference, "WebSocket" (https://elevenlabs.io/docs/api-reference/text-to-speech/v-1-text-to-speech-voice-id-stream-input):
 *   `GET /v1/text-to-speech/{voice_id}/stream-input?model_id=…&output_format=…`, the `xi-api-key`
 *   header (or `xi_api_key` in the first message); client messages: the initialisation
 *   `{"text":" ", "voice_settings", "generation_config": {"chunk_length_schedule"}}`, text
 *   `{"text", "try_trigger_generation"?, "flush"?}`, and the close `{"text":""}`; server messages:
 *   `{"audio": base64, "isFinal": false, "normalizedAlignment", "alignment": {"chars",
 *   "charStartTimesMs", "charDurationsMs"}}` and `{"isFinal": true}` after the close.
 * - "Generate audio in real-time" guide (https://elevenlabs.io/docs/cookbooks/multi-context-web-socket
 *   and /docs/best-practices/latency-optimization): text is buffered until the schedule's first
 *   threshold (120 characters by default) is reached, `flush: true` generates what is buffered at
 *   once; `pcm_<rate>` output is raw 16-bit little-endian PCM.
 * - Errors: a refused handshake is an HTTP status (401 bad key, 429 too many concurrent requests);
 *   a protocol error (a bad first message, an unknown voice: `missing_voice` here) is a message
 *   `{"message", "error", "code"}` followed by a 1008 close.
 *
 * Synthesis is a quiet tone, `msPerChar` per character, sent in chunks of up to `charsPerChunk`
 * characters with their alignment.
 */
export interface ElevenLabsStandinOptions {
  apiKey?: string;
  msPerChar?: number;
  charsPerChunk?: number;
  /** Terminate the socket (no close frame) after this many audio messages on the next connection. */
  dropAfterAudio?: number;
}

export interface ElevenLabsConnection {
  voiceId: string;
  query: URLSearchParams;
  apiKeyHeader: string | undefined;
  /** Every client message, parsed. */
  received: Record<string, unknown>[];
  audioMessages: number;
  socket: WebSocket;
}

export class ElevenLabsStandin {
  readonly connections: ElevenLabsConnection[] = [];
  readonly refuse: { status: number; retryAfter?: string }[] = [];
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(private readonly options: ElevenLabsStandinOptions = {}) {
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

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://standin');
    const match = /^\/v1\/text-to-speech\/([^/]+)\/stream-input$/.exec(url.pathname);
    const header = req.headers['xi-api-key'] as string | undefined;
    const refusal = this.refuse.shift();
    let status = refusal?.status;
    if (status === undefined && !match) status = 404;
    if (status === undefined && header !== undefined && header !== (this.options.apiKey ?? 'el-test-key')) status = 401;
    if (status !== undefined) {
      const body = JSON.stringify({
        detail: { status: status === 401 ? 'invalid_api_key' : 'refused', message: `HTTP ${status}` },
      });
      const retry = refusal?.retryAfter ? `Retry-After: ${refusal.retryAfter}\r\n` : '';
      socket.end(
        `HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\n${retry}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) =>
      this.serve(ws, decodeURIComponent((match as RegExpExecArray)[1] as string), url.searchParams, header),
    );
  }

  private serve(ws: WebSocket, voiceId: string, query: URLSearchParams, header: string | undefined): void {
    const connection: ElevenLabsConnection = {
      voiceId,
      query,
      apiKeyHeader: header,
      received: [],
      audioMessages: 0,
      socket: ws,
    };
    this.connections.push(connection);
    const dropAfter = this.options.dropAfterAudio;
    this.options.dropAfterAudio = undefined;
    const rate = Number(/^pcm_(\d+)$/.exec(query.get('output_format') ?? 'pcm_16000')?.[1] ?? 16000);
    const msPerChar = this.options.msPerChar ?? 20;
    const perChunk = this.options.charsPerChunk ?? 12;
    let schedule = [120];
    let buffer = '';
    let initialised = false;
    let phase = 0;
    const generate = () => {
      const text = buffer;
      buffer = '';
      for (let at = 0; at < text.length; at += perChunk) {
        if (ws.readyState !== ws.OPEN) return;
        const chars = [...text.slice(at, at + perChunk)];
        const samples = Math.round((chars.length * msPerChar * rate) / 1000);
        const pcm = new Int16Array(samples);
        for (let i = 0; i < samples; i++) pcm[i] = Math.round(800 * Math.sin((2 * Math.PI * 180 * (phase + i)) / rate));
        phase += samples;
        const alignment = {
          chars,
          charStartTimesMs: chars.map((_, i) => i * msPerChar),
          charDurationsMs: chars.map(() => msPerChar),
        };
        ws.send(
          JSON.stringify({
            audio: Buffer.from(pcm.buffer).toString('base64'),
            isFinal: false,
            normalizedAlignment: alignment,
            alignment,
          }),
        );
        connection.audioMessages++;
        if (dropAfter !== undefined && connection.audioMessages >= dropAfter) {
          ws.terminate();
          return;
        }
      }
    };
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      connection.received.push(message);
      if (!initialised) {
        initialised = true;
        const key = header ?? message.xi_api_key;
        if (message.text !== ' ' || key !== (this.options.apiKey ?? 'el-test-key')) {
          ws.send(
            JSON.stringify({ message: 'Invalid initial message or API key', error: 'invalid_request', code: 1008 }),
          );
          ws.close(1008, 'invalid_request');
          return;
        }
        const given = (message.generation_config as { chunk_length_schedule?: number[] } | undefined)
          ?.chunk_length_schedule;
        if (given?.length) schedule = given;
        if (voiceId === 'missing_voice') {
          ws.send(JSON.stringify({ message: `Voice ${voiceId} was not found`, error: 'voice_not_found', code: 1008 }));
          ws.close(1008, 'voice_not_found');
        }
        return;
      }
      const text = String(message.text ?? '');
      if (text === '') {
        generate();
        if (ws.readyState === ws.OPEN) {
          ws.send(JSON.stringify({ isFinal: true }));
          ws.close(1000);
        }
        return;
      }
      buffer += text;
      const threshold = schedule[0] ?? 120;
      if (message.flush === true || (message.try_trigger_generation === true && buffer.trim().length >= threshold))
        generate();
    });
  }
}
