import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import { parseWav, wavSamples } from '../../../pipeline/audio/wav.js';

/**
 * A local stand-in for an OpenAI-compatible server, written from the API reference, not from our
 * adapters (these machines cannot reach the vendor):
 *
 * - `POST /v1/chat/completions` with `stream: true`: Server-Sent Events of
 *   `chat.completion.chunk` objects (platform.openai.com/docs/api-reference/chat/create and
 *   /chat-streaming; openai-node `src/resources/chat/completions/completions.ts`,
 *   `ChatCompletionChunk`). The first chunk's delta is `{role: "assistant", content: ""}`; a tool
 *   call's first piece carries `index`, `id`, `type: "function"`, `function.name` and
 *   `arguments: ""`, later pieces only `index` and `function.arguments`; the last choice chunk
 *   has an empty delta and `finish_reason`; with `stream_options.include_usage` a final chunk
 *   has `choices: []` and `usage`, and every chunk before it `usage: null`; then `data: [DONE]`.
 * - `POST /v1/audio/transcriptions`: multipart (`file`, `model`, `language`, `prompt`,
 *   `response_format`, `temperature`); `json` answers `{text, usage: {type: "duration",
 *   seconds}}`, `verbose_json` adds `task`, `language`, `duration`, `segments`
 *   (platform.openai.com/docs/api-reference/audio/createTranscription; openai-node
 *   `src/resources/audio/transcriptions.ts`).
 * - `POST /v1/audio/speech`: JSON `{model, input, voice, response_format, speed}`; `pcm` is raw
 *   24 kHz 16-bit signed little-endian mono, no header, sent chunked as it is produced
 *   (/docs/api-reference/audio/createSpeech; /docs/guides/text-to-speech, "Supported output formats").
 * - Errors: `{"error": {"message", "type", "param", "code"}}` with 401 `invalid_api_key`,
 *   429 `rate_limit_exceeded` and a `retry-after` header, 500 `server_error`
 *   (/docs/guides/error-codes).
 *
 * Tests script the answers (`onChat`, `onTranscribe`), inject failures (`failNext`) and read what
 * was sent (`requests`). Speech is a 220 Hz tone, 60 ms per character, sent in odd-sized chunks
 * (4,801 bytes by default) so a sample straddles chunk boundaries as it can on the real wire.
 */

export interface ChatScript {
  /** Text pieces, one chunk each. */
  text?: string[];
  /** Tool calls; each argument piece is its own chunk, interleaved across calls when `interleave`. */
  toolCalls?: { id: string; name: string; arguments: string[] }[];
  interleave?: boolean;
  finishReason?: 'stop' | 'length' | 'tool_calls';
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Wait before each chunk (real time), default 0. */
  chunkDelayMs?: number;
}

export interface StandinFailure {
  /** Answer this status with an OpenAI error body. */
  status?: number;
  retryAfter?: string;
  /** Destroy the socket before answering, or after `afterChunks` chunks of a stream. */
  drop?: 'before_headers' | 'mid_stream';
  afterChunks?: number;
}

export interface StandinRequest {
  path: string;
  authorization: string | undefined;
  /** The JSON body, or the multipart fields (the file as `{bytes}`). */
  body: Record<string, unknown>;
  /** Set when the client went away before the answer was complete. */
  aborted: boolean;
}

export interface OpenAiStandinOptions {
  /** Required bearer key; requests without it get 401 (default: any key, or none). */
  apiKey?: string;
  /** Speech chunk size in bytes (default 4,801: odd on purpose). */
  speechChunkBytes?: number;
  /** Wait before each speech chunk (real time), default 0. */
  speechChunkDelayMs?: number;
}

const ERROR_TYPES: Record<number, { type: string; code: string }> = {
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: 'server_error' },
  503: { type: 'server_error', code: 'service_unavailable' },
};

export class OpenAiStandin {
  readonly requests: StandinRequest[] = [];
  /** The answer to a chat request (default: "Hello." with usage). */
  onChat: (body: Record<string, unknown>) => ChatScript = () => ({ text: ['Hel', 'lo.'] });
  /** The transcript of an uploaded WAV (default: its duration in words). */
  onTranscribe: (audio: { samples: Int16Array; sampleRate: number }, fields: Record<string, unknown>) => string = (a) =>
    `${(a.samples.length / a.sampleRate).toFixed(1)} seconds`;
  private readonly failures: StandinFailure[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: OpenAiStandinOptions,
  ) {}

  static async start(options: OpenAiStandinOptions = {}): Promise<OpenAiStandin> {
    let standin: OpenAiStandin | null = null;
    const server = createServer((req, res) => {
      void standin?.handle(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    standin = new OpenAiStandin(server, `http://127.0.0.1:${port}/v1`, options);
    return standin;
  }

  /** The next `count` requests fail this way (in order of arrival). */
  failNext(failure: StandinFailure, count = 1): void {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const body = req.headers['content-type']?.startsWith('multipart/') ? await readForm(req) : await readJson(req);
    const record: StandinRequest = { path, authorization: req.headers.authorization, body, aborted: false };
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true;
    });
    const failure = this.failures.shift();
    if (failure?.drop === 'before_headers') return void req.socket.destroy();
    if (failure?.status) return sendError(res, failure.status, failure.retryAfter);
    if (this.options.apiKey && req.headers.authorization !== `Bearer ${this.options.apiKey}`)
      return sendError(res, 401);
    const dropAfter = failure?.drop === 'mid_stream' ? (failure.afterChunks ?? 1) : undefined;
    if (req.method === 'POST' && path === '/v1/chat/completions') return this.chat(body, res, dropAfter);
    if (req.method === 'POST' && path === '/v1/audio/transcriptions') return this.transcribe(body, res);
    if (req.method === 'POST' && path === '/v1/audio/speech') return this.speech(body, res, dropAfter);
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Not found' } }));
  }

  private async chat(body: Record<string, unknown>, res: ServerResponse, dropAfter?: number): Promise<void> {
    if (body.stream !== true) return sendError(res, 400, undefined, 'this stand-in only streams');
    const script = this.onChat(body);
    const base = { id: 'chatcmpl-standin', object: 'chat.completion.chunk', created: 1_763_856_000, model: body.model };
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const usageField = includeUsage ? { usage: null } : {};
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageField }) as object;
    const chunks: object[] = [chunk({ role: 'assistant', content: '' })];
    for (const text of script.text ?? []) chunks.push(chunk({ content: text }));
    const calls = script.toolCalls ?? [];
    const pieces: object[][] = calls.map((call, index) => [
      { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
      ...call.arguments.map((a) => ({ index, function: { arguments: a } })),
    ]);
    if (script.interleave) {
      for (let i = 0; pieces.some((p) => p.length > i); i++)
        for (const list of pieces) if (list[i]) chunks.push(chunk({ tool_calls: [list[i]] }));
    } else for (const list of pieces) for (const piece of list) chunks.push(chunk({ tool_calls: [piece] }));
    chunks.push(chunk({}, script.finishReason ?? (calls.length ? 'tool_calls' : 'stop')));
    if (includeUsage)
      chunks.push({ ...base, choices: [], usage: script.usage ?? { prompt_tokens: 10, completion_tokens: 2 } });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const [i, c] of chunks.entries()) {
      if (dropAfter !== undefined && i === dropAfter) return void res.socket?.destroy();
      if (script.chunkDelayMs) await sleep(script.chunkDelayMs);
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify(c)}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  }

  private transcribe(fields: Record<string, unknown>, res: ServerResponse): void {
    const file = fields.file as { bytes: Buffer } | undefined;
    if (!file || typeof fields.model !== 'string') {
      sendError(res, 400, undefined, 'file and model are required');
      return;
    }
    const wav = parseWav(file.bytes);
    const samples = wavSamples(wav);
    const seconds = samples.length / wav.sampleRate;
    const text = this.onTranscribe({ samples, sampleRate: wav.sampleRate }, fields);
    const usage = { type: 'duration', seconds: Math.ceil(seconds) };
    const answer =
      fields.response_format === 'verbose_json'
        ? {
            task: 'transcribe',
            language: 'english',
            duration: seconds,
            text,
            segments: [{ id: 0, start: 0, end: seconds, text }],
            usage,
          }
        : { text, usage };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  }

  private async speech(body: Record<string, unknown>, res: ServerResponse, dropAfter?: number): Promise<void> {
    if (typeof body.input !== 'string' || !body.input) return sendError(res, 400, undefined, 'input is required');
    if (body.response_format !== 'pcm') return sendError(res, 400, undefined, 'this stand-in only speaks pcm');
    const samples = Math.round((24000 * 60 * body.input.length) / 1000);
    const pcm = Buffer.alloc(samples * 2);
    for (let i = 0; i < samples; i++)
      pcm.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 220 * i) / 24000)), i * 2);
    res.writeHead(200, { 'content-type': 'audio/pcm', 'transfer-encoding': 'chunked' });
    const size = this.options.speechChunkBytes ?? 4801;
    for (let offset = 0, n = 0; offset < pcm.length; offset += size, n++) {
      if (dropAfter !== undefined && n === dropAfter) return void res.socket?.destroy();
      if (this.options.speechChunkDelayMs) await sleep(this.options.speechChunkDelayMs);
      if (res.destroyed) return;
      res.write(pcm.subarray(offset, offset + size));
    }
    res.end();
  }
}

function sendError(res: ServerResponse, status: number, retryAfter?: string, message?: string): void {
  const kind = ERROR_TYPES[status] ?? { type: 'invalid_request_error', code: 'invalid_request' };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  const body = {
    error: { message: message ?? `stand-in error ${status}`, type: kind.type, param: null, code: kind.code },
  };
  res.writeHead(status, headers).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const text = Buffer.concat(parts).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function readForm(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, unknown> = {};
    const form = busboy({ headers: req.headers });
    form.on('field', (name, value) => {
      fields[name] = value;
    });
    form.on('file', (name, stream, info) => {
      const parts: Buffer[] = [];
      stream.on('data', (b: Buffer) => parts.push(b));
      stream.on('end', () => {
        fields[name] = { bytes: Buffer.concat(parts), filename: info.filename, mimeType: info.mimeType };
      });
    });
    form.on('close', () => resolve(fields));
    form.on('error', reject);
    req.pipe(form);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
