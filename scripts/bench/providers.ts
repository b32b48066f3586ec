/**
 * `npm run bench -- providers`: the cloud adapters' own overhead per turn, i.e. the time spent in
 * our code between the provider's bytes and the interface's output (target ≤ 2 ms p99 per turn,
 * issue 7). The vendors are not reachable from here, so a turn is replayed from its wire bytes,
 * built from the documented formats (the same as the stand-ins send), through the exact code the
 * adapter runs on them:
 *
 *   llm_openai_turn      a Chat Completions SSE stream: 60 text chunks, two parallel tool calls in
 *                        12 argument pieces each and the usage chunk, arriving as 40 network reads
 *                        → eventsource-parser → ChatChunkAssembler → our deltas (openai-chunks.ts)
 *   tts_openai_turn      3 s of 24 kHz s16le arriving in 4,801-byte reads → PcmChunker (sample
 *                        alignment, resampling to 8 kHz for the line); `_24k`: no resampling
 *   stt_openai_turn      3 s of speech then 0.5 s of silence pushed as 20 ms frames into the
 *                        session (copy, energy VAD, utterance buffering, the WAV encoded at the
 *                        cut); the HTTP request itself is not counted
 *   llm_openai_loopback  a whole turn through OpenAiLlm (undici fetch, streaming) against the
 *                        local stand-in: includes the stand-in server and loopback TCP on the
 *                        same cores, so it is an upper bound, not the adapter's cost (no target)
 *
 * Each case reports wall-clock and CPU time per turn, p50 and p99 over many turns (a warm-up pass
 * discarded). The target is on the CPU p99 (`process.cpuUsage`, µs resolution): on a shared
 * 2-core machine at load average 10 the wall-clock p99 is the scheduler's (a turn preempted for
 * 10–60 ms), not our code's; CPU time counts only what the process ran. It includes GC threads,
 * so it is an upper bound on the turn's own work. The streaming
 * adapters (Deepgram, ElevenLabs, OpenAI Realtime) are measured by providers-streaming.ts, whose
 * figures this suite reports after these.
 */
import { createParser } from 'eventsource-parser';
import { RealClock } from '../../packages/server/src/pipeline/clocks.js';
import type { LlmDelta } from '../../packages/server/src/providers/llm/llm.js';
import { OpenAiLlm } from '../../packages/server/src/providers/llm/openai.js';
import { ChatChunkAssembler } from '../../packages/server/src/providers/llm/openai-chunks.js';
import { OpenAiStt } from '../../packages/server/src/providers/stt/openai.js';
import { OpenAiStandin } from '../../packages/server/src/providers/testing/standins/openai-standin.js';
import { PcmChunker } from '../../packages/server/src/providers/tts/openai.js';
import { streamingProviderFigures } from './providers-streaming.js';
import type { Figure, Suite, SuiteOptions, Target } from './report.js';

const BENCH = 'providers';
const TARGET_TURN_P99: Target = { op: '<=', value: 2 };

export const providersSuite: Suite = {
  name: BENCH,
  description: "cloud AI adapters' own overhead per turn (wire bytes → interface output), p50/p99",
  run: (options: SuiteOptions) => runProvidersBench(options),
};

/** One measured case: `turn()` does one turn's work and is timed as a whole. */
export interface ProviderCase {
  name: string;
  /** Turns measured (the quick run uses a tenth). */
  turns: number;
  target?: Target;
  setup(): Promise<{ turn(): Promise<void> | void; close?(): Promise<void> }>;
}

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** The SSE text of a Chat Completions turn, as the documented chunks, split into `reads` network reads. */
export function chatTurnBytes(reads = 40): Uint8Array[] {
  const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_763_856_000, model: 'gpt-4o-mini' };
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null })}\n\n`;
  let text = chunk({ role: 'assistant', content: '' });
  for (let i = 0; i < 60; i++) text += chunk({ content: ` word${i}` });
  for (const index of [0, 1]) {
    text += chunk({
      tool_calls: [{ index, id: `call_${index}`, type: 'function', function: { name: 'book', arguments: '' } }],
    });
    for (let i = 0; i < 12; i++) text += chunk({ tool_calls: [{ index, function: { arguments: `"k${i}":${i},` } }] });
  }
  text += chunk({}, 'tool_calls');
  text += `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 900, completion_tokens: 90 } })}\n\n`;
  text += 'data: [DONE]\n\n';
  const bytes = new TextEncoder().encode(text);
  const size = Math.ceil(bytes.length / reads);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

function tone(samples: number, rate: number, amplitude: number): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * 300 * i) / rate)),
  );
}

/**
 * 3 s of speech as the server streams it, to the line's 8 kHz (what the engine asks for on PSTN)
 * or at the server's own 24 kHz: the difference is the resampler (pipeline/audio/resampler.ts,
 * 61 multiply-adds per 8 kHz sample), the rest is our byte handling.
 */
function ttsCase(name: string, rate: 8000 | 24000): ProviderCase {
  return {
    name,
    turns: 3000,
    target: rate === 8000 ? TARGET_TURN_P99 : undefined,
    async setup() {
      const pcm = tone(3 * 24000, 24000, 3000);
      const bytes = new Uint8Array(pcm.buffer);
      const reads: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += 4801) reads.push(bytes.subarray(i, i + 4801));
      return {
        turn() {
          const chunker = new PcmChunker(rate);
          let samples = 0;
          for (const read of reads) samples += chunker.push(read)?.length ?? 0;
          if (samples < 3 * rate - 100) throw new Error(`got ${samples} samples`);
        },
      };
    },
  };
}

export const CASES: ProviderCase[] = [
  {
    name: 'llm_openai_turn',
    turns: 5000,
    target: TARGET_TURN_P99,
    async setup() {
      const reads = chatTurnBytes();
      return {
        turn() {
          const assembler = new ChatChunkAssembler('openai.llm');
          const out: LlmDelta[] = [];
          const parser = createParser({ onEvent: (e) => assembler.push(e.data, out) });
          const decoder = new TextDecoder();
          for (const read of reads) {
            parser.feed(decoder.decode(read, { stream: true }));
            out.length = 0;
          }
          assembler.finishInto(out, 0);
          if (out.at(-1)?.type !== 'done') throw new Error('the turn did not end');
        },
      };
    },
  },
  ttsCase('tts_openai_turn', 8000),
  ttsCase('tts_openai_turn_24k', 24000),
  {
    name: 'stt_openai_turn',
    turns: 1000,
    target: TARGET_TURN_P99,
    async setup() {
      // An endpoint nobody listens on: the request the cut starts is not part of the measurement.
      const stt = new OpenAiStt({
        clock: new RealClock(),
        endpoint: { baseUrl: 'http://127.0.0.1:9/v1', allowPrivate: true },
      });
      // Syllables (400 ms of voice, 100 ms of pause), as the energy VAD hears speech.
      const speech = tone(3 * 16000, 16000, 8000).map((v, i) => (i % 8000 >= 6400 ? 0 : v));
      const frames: Int16Array[] = [];
      for (let i = 0; i < speech.length; i += 320) frames.push(speech.subarray(i, i + 320));
      for (let i = 0; i < 25; i++) frames.push(new Int16Array(320));
      return {
        turn() {
          const controller = new AbortController();
          const session = stt.stream({ language: 'en', sampleRate: 16000, signal: controller.signal });
          // The cut at the end of the speech encodes the WAV inside pushAudio.
          for (const frame of frames) session.pushAudio(frame);
          controller.abort();
        },
      };
    },
  },
  {
    name: 'llm_openai_loopback',
    turns: 300,
    async setup() {
      const standin = await OpenAiStandin.start();
      standin.onChat = () => ({ text: Array.from({ length: 60 }, (_, i) => ` word${i}`) });
      const llm = new OpenAiLlm({ clock: new RealClock(), endpoint: { baseUrl: standin.url, allowPrivate: true } });
      const context = { messages: [{ role: 'user' as const, content: 'Hi' }], tools: [] };
      return {
        async turn() {
          for await (const _ of llm.stream(context, {})) {
            // Drained: the turn is the whole stream.
          }
          standin.requests.length = 0;
        },
        close: () => standin.close(),
      };
    },
  },
];

export async function runProvidersBench(options: SuiteOptions): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const c of CASES) {
    const turns = Math.max(20, options.quick ? Math.round(c.turns / 10) : c.turns);
    options.log(`${c.name}: ${turns} turns`);
    const { turn, close } = await c.setup();
    try {
      for (let i = 0; i < Math.min(200, turns); i++) await turn();
      const times: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < turns; i++) {
        const start = performance.now();
        const startCpu = process.cpuUsage();
        await turn();
        const used = process.cpuUsage(startCpu);
        times.push(performance.now() - start);
        cpu.push((used.user + used.system) / 1000);
      }
      times.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      const figure = (name: string, value: number, target?: Target): Figure => ({
        bench: BENCH,
        figure: `${c.name}_${name}`,
        engine: null,
        value: round(value),
        unit: 'ms',
        target,
      });
      figures.push(
        figure('p50_ms', percentile(times, 50)),
        figure('p99_ms', percentile(times, 99)),
        figure('cpu_p50_ms', percentile(cpu, 50)),
        figure('cpu_p99_ms', percentile(cpu, 99), c.target),
      );
      options.log(
        `  ${c.name}: wall p50 ${round(percentile(times, 50))} p99 ${round(percentile(times, 99))} ms; cpu p50 ${round(percentile(cpu, 50))} p99 ${round(percentile(cpu, 99))} ms`,
      );
    } finally {
      await close?.();
    }
  }
  options.note('per turn, on this machine; llm_openai_loopback includes the stand-in server and loopback TCP');
  figures.push(...(await streamingProviderFigures(options)));
  return figures;
}
