import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * A local stand-in for the OpenAI Realtime WebSocket (GA interface), written from OpenAI's
 * documentation, not from our adapter:
 * - "Realtime API with WebSocket" (https://developers.openai.com/api/docs/guides/realtime-websocket):
 *   `GET /v1/realtime?model=…`, `Authorization: Bearer <key>`; the server opens with `session.created`.
 * - Client events (https://developers.openai.com/api/reference/resources/realtime/client-events):
 *   `session.update` (answered by `session.updated`), `input_audio_buffer.append` (base64 audio in
 *   the session's `audio.input.format`: `audio/pcm` 24 kHz or `audio/pcmu`), `input_audio_buffer.commit`,
 *   `conversation.item.create` (messages, `function_call_output`), `response.create`,
 *   `response.cancel`, `conversation.item.truncate` (`item_id`, `content_index`, `audio_end_ms`,
 *   an error when past the audio sent).
 * - Server events (https://developers.openai.com/api/reference/resources/realtime/server-events):
 *   `input_audio_buffer.speech_started/stopped` (server VAD, `audio_start_ms`/`audio_end_ms`),
 *   `input_audio_buffer.committed`, `conversation.item.input_audio_transcription.completed`,
 *   `response.created`, `response.output_audio.delta`, `response.output_audio_transcript.delta/done`,
 *   `response.function_call_arguments.done` (`call_id`, `name`, `arguments`), `response.done`
 *   (`status` completed or cancelled, `usage` with token details), `conversation.item.truncated`, `error`.
 *
 * The model is scripted: each response is the next of `responses` (text spoken as a tone,
 * `msPerChar` per character, in 100 ms deltas, a few ms apart so that a cancel can land midway;
 * or a function call). The caller's speech is energy over `speechLevel` (time = audio received),
 * and each of the caller's turns is transcribed as the next of `userTranscripts`.
 */
export interface RealtimeStandinOptions {
  apiKey?: string;
  responses?: { text?: string; call?: { name: string; arguments: Record<string, unknown> } }[];
  userTranscripts?: string[];
  msPerChar?: number;
  /** Real time between audio deltas (default 3 ms). */
  deltaGapMs?: number;
  speechLevel?: number;
}

export interface RealtimeConnection {
  query: URLSearchParams;
  authorization: string | undefined;
  /** Client events by type, in order, without the audio appends. */
  received: Record<string, unknown>[];
  appendedBytes: number;
  session: Record<string, unknown>;
  socket: WebSocket;
}

export class OpenAiRealtimeStandin {
  readonly connections: RealtimeConnection[] = [];
  readonly refuse: { status: number; retryAfter?: string }[] = [];
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private responded = 0;
  private transcribed = 0;
  private ids = 0;

  constructor(private readonly options: RealtimeStandinOptions = {}) {
    this.server = createServer((_req, res) => res.writeHead(404).end());
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private id(prefix: string): string {
    return `${prefix}_${++this.ids}`;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://standin');
    const refusal = this.refuse.shift();
    let status = refusal?.status;
    if (status === undefined && url.pathname !== '/v1/realtime') status = 404;
    if (status === undefined && req.headers.authorization !== `Bearer ${this.options.apiKey ?? 'sk-test'}`)
      status = 401;
    if (status !== undefined) {
      const body = JSON.stringify({
        error: {
          type: 'invalid_request_error',
          code: status === 401 ? 'invalid_api_key' : 'refused',
          message: `HTTP ${status}`,
        },
      });
      const retry = refusal?.retryAfter ? `Retry-After: ${refusal.retryAfter}\r\n` : '';
      socket.end(
        `HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\n${retry}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, url.searchParams, req.headers.authorization));
  }

  private serve(ws: WebSocket, query: URLSearchParams, authorization: string | undefined): void {
    const c: RealtimeConnection = { query, authorization, received: [], appendedBytes: 0, session: {}, socket: ws };
    this.connections.push(c);
    const send = (event: Record<string, unknown>) =>
      ws.readyState === ws.OPEN && ws.send(JSON.stringify({ event_id: this.id('event'), ...event }));
    const msPerChar = this.options.msPerChar ?? 20;
    const gap = this.options.deltaGapMs ?? 3;
    let active: { id: string; cancelled: boolean } | null = null;
    /** Audio ms sent per assistant item. */
    const itemAudio = new Map<string, number>();
    let audioMs = 0;
    let speechStart: number | null = null;
    let lastSpeech = 0;
    const format = () =>
      (c.session.audio as { input?: { format?: { type?: string } } } | undefined)?.input?.format?.type ?? 'audio/pcm';
    const rate = () => (format() === 'audio/pcmu' ? 8000 : 24000);
    const vad = () =>
      (c.session.audio as { input?: { turn_detection?: { silence_duration_ms?: number } | null } } | undefined)?.input
        ?.turn_detection;

    const respond = async () => {
      const script = this.options.responses ?? [{ text: 'Hello.' }];
      const step = script[Math.min(this.responded++, script.length - 1)] ?? {};
      const response = { id: this.id('resp'), cancelled: false };
      active = response;
      send({ type: 'response.created', response: { id: response.id, status: 'in_progress' } });
      const itemId = this.id('item');
      let outputTokens = 0;
      if (step.call) {
        send({
          type: 'response.function_call_arguments.done',
          response_id: response.id,
          item_id: itemId,
          output_index: 0,
          call_id: this.id('call'),
          name: step.call.name,
          arguments: JSON.stringify(step.call.arguments),
        });
        outputTokens = 12;
      } else {
        const text = step.text ?? '';
        const r = rate();
        const total = Math.round((text.length * msPerChar * r) / 1000);
        const chunk = r / 10;
        const words = text.split(' ');
        for (let at = 0, w = 0; at < total; at += chunk) {
          await new Promise((resolve) => setTimeout(resolve, gap));
          if (response.cancelled || ws.readyState !== ws.OPEN) break;
          const n = Math.min(chunk, total - at);
          const bytes =
            format() === 'audio/pcmu' ? Buffer.alloc(n, 0x7f) : Buffer.from(new Int16Array(n).fill(700).buffer);
          send({
            type: 'response.output_audio.delta',
            response_id: response.id,
            item_id: itemId,
            output_index: 0,
            content_index: 0,
            delta: bytes.toString('base64'),
          });
          itemAudio.set(itemId, (itemAudio.get(itemId) ?? 0) + (n * 1000) / r);
          if (w < words.length)
            send({
              type: 'response.output_audio_transcript.delta',
              response_id: response.id,
              item_id: itemId,
              delta: `${w > 0 ? ' ' : ''}${words[w++]}`,
            });
          outputTokens += 5;
        }
        if (!response.cancelled)
          send({
            type: 'response.output_audio_transcript.done',
            response_id: response.id,
            item_id: itemId,
            transcript: text,
          });
      }
      if (active === response) active = null;
      send({
        type: 'response.done',
        response: {
          id: response.id,
          status: response.cancelled ? 'cancelled' : 'completed',
          usage: {
            total_tokens: 100 + outputTokens,
            input_tokens: 100,
            output_tokens: outputTokens,
            input_token_details: { audio_tokens: 60, text_tokens: 40 },
            output_token_details: { audio_tokens: outputTokens, text_tokens: 0 },
          },
        },
      });
    };
    const endTurn = () => {
      const transcripts = this.options.userTranscripts ?? ['yes'];
      const itemId = this.id('item');
      send({ type: 'input_audio_buffer.committed', item_id: itemId });
      send({
        type: 'conversation.item.input_audio_transcription.completed',
        item_id: itemId,
        content_index: 0,
        transcript: transcripts[Math.min(this.transcribed++, transcripts.length - 1)],
      });
    };
    const hear = (bytes: Buffer) => {
      const ulaw = format() === 'audio/pcmu';
      const samples = ulaw ? bytes.length : bytes.length >> 1;
      let sum = 0;
      for (let i = 0; i < samples; i++)
        sum += ulaw ? (((bytes[i] as number) & 0x7f) < 0x70 ? 1000 : 0) : Math.abs(bytes.readInt16LE(i * 2));
      const startMs = audioMs;
      audioMs += (samples * 1000) / rate();
      const detection = vad();
      if (!detection) return;
      if (samples > 0 && sum / samples > (this.options.speechLevel ?? 500)) {
        if (speechStart === null) {
          speechStart = startMs;
          send({
            type: 'input_audio_buffer.speech_started',
            audio_start_ms: Math.round(startMs),
            item_id: this.id('item'),
          });
        }
        lastSpeech = audioMs;
      } else if (speechStart !== null && audioMs - lastSpeech >= (detection.silence_duration_ms ?? 500)) {
        speechStart = null;
        send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: Math.round(lastSpeech) });
        endTurn();
        void respond();
      }
    };

    send({ type: 'session.created', session: { type: 'realtime', model: query.get('model') } });
    ws.on('message', (data) => {
      const event = JSON.parse(String(data)) as Record<string, unknown>;
      if (event.type === 'input_audio_buffer.append') {
        const bytes = Buffer.from(String(event.audio), 'base64');
        c.appendedBytes += bytes.length;
        hear(bytes);
        return;
      }
      c.received.push(event);
      switch (event.type) {
        case 'session.update':
          c.session = { ...c.session, ...(event.session as Record<string, unknown>) };
          send({ type: 'session.updated', session: c.session });
          return;
        case 'input_audio_buffer.commit':
          endTurn();
          return;
        case 'conversation.item.create':
          send({
            type: 'conversation.item.added',
            item: { id: this.id('item'), ...(event.item as Record<string, unknown>) },
          });
          return;
        case 'response.create':
          void respond();
          return;
        case 'response.cancel':
          if (active) active.cancelled = true;
          else
            send({
              type: 'error',
              error: {
                type: 'invalid_request_error',
                code: 'response_cancel_not_active',
                message: 'no active response',
              },
            });
          return;
        case 'conversation.item.truncate': {
          const sent = itemAudio.get(String(event.item_id));
          const end = Number(event.audio_end_ms);
          if (sent === undefined || end > sent)
            send({
              type: 'error',
              error: {
                type: 'invalid_request_error',
                code: 'invalid_value',
                message: 'audio_end_ms is past the audio',
              },
            });
          else
            send({ type: 'conversation.item.truncated', item_id: event.item_id, content_index: 0, audio_end_ms: end });
          return;
        }
      }
    });
  }
}
