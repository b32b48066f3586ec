/**
 * The streaming adapters' own overhead per turn (issue 7: ≤ 2 ms p99): Deepgram STT, ElevenLabs
 * TTS, OpenAI Realtime, each against its local stand-in over a real socket. "Our time" is
 * measured inside the socket's 'message' event: a listener put before the adapter's and one put
 * after it bracket exactly the adapter's synchronous handling of each message (parse, base64
 * decode, μ-law, mapping, queueing): that is the targeted figure. The calls that put input in
 * (`pushAudio`, `pushText`, `flush`) are the other direction and are reported apart, per call
 * (they include ws's framing and masking and the socket write). ws's own frame parsing and the
 * network are outside the brackets.
 *
 * A turn:
 *   - Deepgram: 3 s of caller speech and 1.2 s of silence pushed in 20 ms frames at 16 kHz
 *     (210 `pushAudio`), answered by SpeechStarted, ~15 interims, the final, UtteranceEnd;
 *   - ElevenLabs: a 3-clause reply (160 characters) pushed word by word, 16 kHz, 60 ms of audio
 *     per character (~9.6 s of audio in ~14 chunks with alignment);
 *   - Realtime: 3 s of caller audio appended (150 frames, 24 kHz, base64) and a 150-character
 *     spoken reply (9 s of audio in 100 ms deltas, transcript deltas, response.done).
 * Full run: 60 turns per adapter after 5 of warm-up; `--quick`: 8 after 2.
 */
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { RealClock } from '../../packages/server/src/pipeline/clocks.js';
import { OpenAiRealtime } from '../../packages/server/src/providers/realtime/openai.js';
import { OpenAiRealtimeStandin } from '../../packages/server/src/providers/realtime/testing/openai-realtime-standin.js';
import { DeepgramStt } from '../../packages/server/src/providers/stt/deepgram.js';
import { DeepgramStandin } from '../../packages/server/src/providers/stt/testing/deepgram-standin.js';
import { ElevenLabsTts } from '../../packages/server/src/providers/tts/elevenlabs.js';
import { ElevenLabsStandin } from '../../packages/server/src/providers/tts/testing/elevenlabs-standin.js';
import type { Figure, SuiteOptions, Target } from './report.js';

const BENCH = 'providers';
const TARGET: Target = { op: '<=', value: 2 };
const REPLY =
  'Of course, I can move your appointment to Tuesday at ten. You will get a text message to confirm it. Is there anything else I can help you with today?';

/** Brackets the adapter's 'message' handler on `ws` (its socket, once open) and adds the time to `sink.ms`. */
function bracket(ws: WebSocket, sink: { ms: number }): void {
  let start = 0;
  ws.prependListener('message', () => {
    start = performance.now();
  });
  ws.on('message', () => {
    sink.ms += performance.now() - start;
  });
}

/** The session's socket once it is open (the adapters keep it in a private `ws`). */
async function socketOf(session: object): Promise<WebSocket> {
  for (;;) {
    const ws = (session as { ws?: WebSocket | null }).ws;
    if (ws) return ws;
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Time of the calls that put input in (audio or text out to the provider), and how many. */
interface InputSink {
  ms: number;
  calls: number;
}

function timed(sink: InputSink, fn: () => void): void {
  const start = performance.now();
  fn();
  sink.ms += performance.now() - start;
  sink.calls++;
}

interface Turn {
  /** Inside the adapter's message handling: the provider's bytes to the interface's output. */
  receiveMs: number;
  input: InputSink;
}

async function deepgramTurn(url: string): Promise<Turn> {
  const stt = new DeepgramStt({ apiKey: 'dg-test-key', clock: new RealClock(), baseUrl: url });
  const session = stt.stream({ language: 'en', sampleRate: 16000 });
  const sink = { ms: 0 };
  const input: InputSink = { ms: 0, calls: 0 };
  bracket(await socketOf(session), sink);
  const speech = new Int16Array(320).map((_, i) => (i % 2 ? 3000 : -3000));
  const silence = new Int16Array(320);
  const reading = (async () => {
    for await (const _ of session);
  })();
  for (let i = 0; i < 150; i++) timed(input, () => session.pushAudio(speech));
  for (let i = 0; i < 60; i++) timed(input, () => session.pushAudio(silence));
  timed(input, () => session.endInput());
  await reading;
  return { receiveMs: sink.ms, input };
}

async function elevenLabsTurn(url: string): Promise<Turn> {
  const tts = new ElevenLabsTts({ apiKey: 'el-test-key', baseUrl: url });
  const stream = tts.stream({ language: 'en', sampleRate: 16000 });
  const sink = { ms: 0 };
  const input: InputSink = { ms: 0, calls: 0 };
  const reading = (async () => {
    for await (const _ of stream);
  })();
  bracket(await socketOf(stream), sink);
  for (const clause of REPLY.split(/(?<=[.,?])\s/)) {
    for (const word of clause.split(' ')) timed(input, () => stream.pushText(`${word} `));
    timed(input, () => stream.flush());
  }
  timed(input, () => stream.endInput());
  await reading;
  return { receiveMs: sink.ms, input };
}

async function realtimeTurn(url: string): Promise<Turn> {
  const provider = new OpenAiRealtime({ apiKey: 'sk-test', clock: new RealClock(), baseUrl: url });
  const session = provider.stream({
    model: 'gpt-realtime',
    voice: 'marin',
    instructions: '',
    tools: [],
    sampleRate: 24000,
  });
  const sink = { ms: 0 };
  const input: InputSink = { ms: 0, calls: 0 };
  bracket(await socketOf(session), sink);
  const frame = new Int16Array(480).fill(200);
  for (let i = 0; i < 150; i++) timed(input, () => session.pushAudio(frame));
  timed(input, () => session.sendText('Hello?', { role: 'user', respond: true }));
  for await (const e of session) if (e.type === 'response_done') break;
  session.close();
  return { receiveMs: sink.ms, input };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(name: string, options: SuiteOptions, turn: () => Promise<Turn>): Promise<Figure[]> {
  const warm = options.quick ? 2 : 5;
  const runs = options.quick ? 8 : 60;
  for (let i = 0; i < warm; i++) await turn();
  const receive: number[] = [];
  const perCall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = await turn();
    receive.push(t.receiveMs);
    perCall.push((t.input.ms * 1000) / t.input.calls);
  }
  receive.sort((a, b) => a - b);
  perCall.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const p50 = round(percentile(receive, 50));
  const p99 = round(percentile(receive, 99));
  const inputP50 = round(percentile(perCall, 50));
  options.log(`  ${name}: receive p50 ${p50} ms, p99 ${p99} ms per turn; input ${inputP50} µs per call (p50)`);
  const note = `${runs} turns against the local stand-in; adapter time inside the socket's message events per turn`;
  return [
    { bench: BENCH, figure: `${name}_overhead_ms_per_turn_p50`, engine: null, value: p50, unit: 'ms', note },
    {
      bench: BENCH,
      figure: `${name}_overhead_ms_per_turn_p99`,
      engine: null,
      value: p99,
      unit: 'ms',
      target: TARGET,
      note,
    },
    {
      bench: BENCH,
      figure: `${name}_input_us_per_call_p50`,
      engine: null,
      value: inputP50,
      unit: 'µs',
      note: 'one pushAudio/pushText/flush, ws framing and the socket write included (mean per turn, p50 over turns)',
    },
  ];
}

/** The figures of the three streaming adapters; `providers.ts` adds them to its suite. */
export async function streamingProviderFigures(options: SuiteOptions): Promise<Figure[]> {
  const deepgram = new DeepgramStandin({ transcripts: ['I would like to move my appointment to Tuesday please'] });
  const elevenlabs = new ElevenLabsStandin({ msPerChar: 60, charsPerChunk: 12 });
  const realtime = new OpenAiRealtimeStandin({ responses: [{ text: REPLY }], msPerChar: 60, deltaGapMs: 0 });
  const urls = {
    deepgram: await deepgram.start(),
    elevenlabs: await elevenlabs.start(),
    realtime: await realtime.start(),
  };
  try {
    return [
      ...(await measure('deepgram_stt', options, () => deepgramTurn(urls.deepgram))),
      ...(await measure('elevenlabs_tts', options, () => elevenLabsTurn(urls.elevenlabs))),
      ...(await measure('openai_realtime', options, () => realtimeTurn(urls.realtime))),
    ];
  } finally {
    await Promise.all([deepgram.stop(), elevenlabs.stop(), realtime.stop()]);
  }
}
