/**
 * Runs N real-time sandbox conversations in this process with the full audio path and fake
 * providers of fixed latency, and measures them (see ../voice.ts for what each figure means).
 *
 * Per call: the sandbox carrier (G.711 μ-law at 8 kHz, a scripted callee speaking real audio
 * frames), the conversation engine (decode, 8→16 kHz, the process's VAD on every stream, the
 * sandbox STT reading the callee's speech marks with a fixed 150 ms final delay, turn-taking, a
 * fake LLM with a 200 ms first token, a fake TTS with a 100 ms first byte, resampling to 8 kHz,
 * the pacer, encode) and a WAV recording of both sides on disk. Everything on one `RealClock`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SandboxCarrier } from '../../../packages/server/src/carriers/sandbox/carrier.js';
import { createEspeakVoice, espeakAvailable } from '../../../packages/server/src/carriers/sandbox/espeak-voice.js';
import { createSyntheticVoice } from '../../../packages/server/src/carriers/sandbox/synthetic-voice.js';
import { RealClock } from '../../../packages/server/src/pipeline/clocks.js';
import { startConversation } from '../../../packages/server/src/pipeline/conversation/conversation.js';
import type { ConversationHandle, TurnLatency } from '../../../packages/server/src/pipeline/conversation/types.js';
import { CallRecorder } from '../../../packages/server/src/pipeline/recording/call-recorder.js';
import { agentConfig } from '../../../packages/server/src/pipeline/testing/conversation-harness.js';
import { SileroVad } from '../../../packages/server/src/pipeline/vad/silero.js';
import { createVad, type Vad, type VadStream } from '../../../packages/server/src/pipeline/vad/vad.js';
import { SandboxStt } from '../../../packages/server/src/providers/stt/sandbox.js';
import { FakeLlm } from '../../../packages/server/src/providers/testing/fake-llm.js';
import { FakeTts } from '../../../packages/server/src/providers/testing/fake-tts.js';
import { CallProbe, JitterMeter } from './probes.js';
import { max, percentile, round2 } from './samples.js';

/** The fixed provider latencies and turn-taking policy every run uses (ms). */
export const POLICY: Readonly<Policy> = {
  sttFinalMs: 150,
  llmFirstTokenMs: 200,
  ttsFirstByteMs: 100,
  minEndpointingMs: 300,
  maxEndpointingMs: 1500,
  bargeInMinSpeechMs: 100,
};

export interface Policy {
  sttFinalMs: number;
  llmFirstTokenMs: number;
  ttsFirstByteMs: number;
  minEndpointingMs: number;
  maxEndpointingMs: number;
  /** The conversation's `turnTaking.bargeInMinSpeechMs` (counted from the speech onset, as the conversation's default). */
  bargeInMinSpeechMs: number;
}

export interface RigOptions {
  workload: 'conversation' | 'barge_in';
  calls: number;
  /** Dials are spread evenly over this long, so the calls' 20 ms grids are not aligned. */
  rampMs: number;
  /** Measurement starts this long after the first dial (JIT warm-up, the ramp). */
  warmupMs: number;
  measureMs: number;
  vad: 'silero' | 'energy';
  voice: 'synthetic' | 'espeak';
  record: boolean;
  bargeInMinSpeechMs?: number;
}

export interface TurnSample {
  /** The engine's `platform_ms`. */
  platform: number;
  /** First audio out − the policy's endpoint due time − the nominal provider latencies. */
  strict: number;
  total: number;
  /** Endpoint decision − its due time (the endpoint timer's lateness). */
  endpointLate: number;
}

export interface BargeInSample {
  /** Callee onset → the agent's last frame sent. */
  total: number;
  /** Callee onset → the VAD's `speech_start` decision. */
  vadDecision: number;
  /** `total` − the later of the VAD's decision and the barge-in min-speech policy (both from the onset). */
  platform: number;
  /** Callee onset → the engine's interruption (pacer and carrier cleared). */
  interruption: number;
  /** What the callee heard: onset → end of the agent's last loud frame on the line. */
  heard: number | null;
}

export interface RigResult {
  vad: string;
  voice: string;
  calls: number;
  answered: number;
  turns: TurnSample[];
  firstResponseMs: number[];
  bargeIns: BargeInSample[];
  /** Calls of the barge-in workload whose barge-in could not be measured, and why. */
  bargeInMissing: string[];
  jitter: { p50: number; p99: number; max: number; frames: number };
  underruns: number;
  skippedFrames: number;
  /** Process CPU time over the window / wall time, in % of one core. */
  cpuPercent: number;
  /**
   * Time the process was runnable but waiting for a CPU (/proc/self/schedstat), in % of the
   * window: other processes' share of "our" core. Jitter with a high wait and a low `cpuPercent`
   * is starvation by neighbours, not the engine's own work.
   */
  runqueueWaitPercent: number;
  rssPerCallMb: number;
  heapPerCallMb: number;
  eventLoopDelay: { p50: number; p99: number; max: number };
  errors: number;
  firstError: string | null;
  voicemailDetections: number;
  /**
   * The VAD over the window: model windows and batched runs (silero: one `session.run` per batch;
   * energy: 0/0) and frames the streams dropped because the model was more than 1 s behind.
   */
  vadStats: { windows: number; batches: number; droppedFrames: number };
  /** Measured turns that had no STT final (endpointed on the `maxEndpointingMs` fallback). */
  turnsWithoutFinal: number;
}

const SCRIPT_LINES = ['Yes.', 'Sure.', 'Okay.', 'That works.', 'Go ahead.', 'Right.', 'Sounds good.', 'Yes, please.'];
const REPLY = 'Great, thank you. And one more thing?';
/** Long enough (≈ 9 s) that the interrupter, 700 ms into it, talks over the agent. */
const LONG_REPLY =
  'Thanks. I am calling about your appointment tomorrow at ten in the morning with doctor Smith, ' +
  'and I would like to confirm a few details with you before we finalize everything today.';
const FIRST_MESSAGE = 'Hi, this is an AI assistant calling from Acme. This call may be recorded.';
/** Fake TTS speech rate: 40 ms of audio per character (a reply is ~1.5 s). */
const MS_PER_CHAR = 40;
const ELD_RESOLUTION_MS = 10;

export async function runRig(options: RigOptions, log: (line: string) => void): Promise<RigResult> {
  const clock = new RealClock();
  const meter = new JitterMeter();
  const loaded = await createVad({ prefer: options.vad, log });
  const vadStreams: VadStream[] = [];
  // Keeps every stream the conversations open, to read silero's `droppedFrames` (the engine's own counter).
  const vad: Vad = {
    label: loaded.label,
    createStream: (o) => {
      const stream = loaded.createStream(o);
      vadStreams.push(stream);
      return stream;
    },
  };
  const vadCounters = () => ({
    ...(loaded instanceof SileroVad ? loaded.stats : { windows: 0, batches: 0 }),
    droppedFrames: vadStreams.reduce((n, s) => n + ((s as { droppedFrames?: number }).droppedFrames ?? 0), 0),
  });
  const voice = options.voice === 'espeak' && (await espeakAvailable()) ? 'espeak' : 'synthetic';
  const carrier = new SandboxCarrier({
    voice: voice === 'espeak' ? createEspeakVoice() : createSyntheticVoice(),
    // Answer at once: the bench measures conversations, not ringing.
    timing: { postDialMs: 10, answerAfterMs: 10 },
  });
  const dir = mkdtempSync(join(tmpdir(), 'cs-bench-voice-'));
  const policy = { ...POLICY, bargeInMinSpeechMs: options.bargeInMinSpeechMs ?? POLICY.bargeInMinSpeechMs };
  const agent = agentConfig({ interruptions: { enabled: true, min_words: 2 }, silence_timeout_sec: 30 });
  const turns: TurnSample[] = [];
  const probes: { probe: CallProbe; carrierCallId: string; handle: ConversationHandle }[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let voicemailDetections = 0;
  let turnsWithoutFinal = 0;

  gc();
  const base = process.memoryUsage();
  const t0 = clock.now();
  const windowStart = t0 + options.warmupMs;
  const windowEnd = windowStart + options.measureMs;

  const dialOne = async (i: number) => {
    const probe = new CallProbe(clock, meter);
    const call = await carrier.dial({
      callId: `call_bench_${i}`,
      to: '+15005550001',
      from: '+15005550100',
      clock,
      sandbox:
        options.workload === 'barge_in'
          ? { scenario: 'interrupter' }
          : {
              scenario: 'human_cooperative',
              script: Array.from({ length: 50 }, (_, k) => SCRIPT_LINES[k % 8] as string),
            },
    });
    const handle = startConversation({
      call: probe.wrapCall(call),
      agent,
      providers: {
        stt: new SandboxStt({ clock, finalDelayMs: policy.sttFinalMs }),
        llm: new FakeLlm({
          clock,
          firstTokenMs: policy.llmFirstTokenMs,
          responses: options.workload === 'barge_in' ? [{ text: LONG_REPLY }, { text: REPLY }] : [{ text: REPLY }],
        }),
        tts: new FakeTts({ clock, firstByteMs: policy.ttsFirstByteMs, msPerChar: MS_PER_CHAR }),
      },
      vad,
      clock,
      recorder: options.record ? new CallRecorder({ path: join(dir, `${i}.wav`), sampleRate: 8000, clock }) : undefined,
      firstUtterance: FIRST_MESSAGE,
      turnTaking: {
        minEndpointingMs: policy.minEndpointingMs,
        maxEndpointingMs: policy.maxEndpointingMs,
        bargeInMinSpeechMs: policy.bargeInMinSpeechMs,
      },
      onEvent: (e) => {
        if (e.type === 'turn.latency') {
          const now = clock.now();
          if (now >= windowStart && now <= windowEnd) {
            turns.push(turnSample(e.latency, policy));
            if (e.latency.stt_final === null) turnsWithoutFinal++;
          }
        } else if (e.type === 'agent.interrupted') probe.agentInterrupted(clock.now());
        else if (e.type === 'caller.speech.started') probe.speechStarted(e.at, e.decidedAt);
        else if (e.type === 'voicemail.detected') voicemailDetections++;
        else if (e.type === 'error') {
          errors++;
          firstError ??= e.error instanceof Error ? e.error.message : String(e.error);
        }
      },
    });
    probes.push({ probe, carrierCallId: call.carrierCallId, handle });
  };

  const dials: Promise<void>[] = [];
  for (let i = 0; i < options.calls; i++) {
    const at = t0 + (i * options.rampMs) / options.calls;
    await clock.sleep(at - clock.now());
    dials.push(dialOne(i));
  }
  await Promise.all(dials);
  log(`  ${options.calls} calls dialled in ${Math.round(clock.now() - t0)} ms (vad ${vad.label}, voice ${voice})`);

  await clock.sleep(windowStart - clock.now());
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  eld.enable();
  meter.measuring = true;
  const pacerTotals = () => {
    let underruns = 0;
    let skippedFrames = 0;
    for (const { handle } of probes) {
      const stats = handle.audioStats();
      underruns += stats.underruns;
      skippedFrames += stats.skippedFrames;
    }
    return { underruns, skippedFrames };
  };
  const pacersAtStart = pacerTotals();
  const vadAtStart = vadCounters();
  const cpuAtStart = process.cpuUsage();
  const schedAtStart = schedstat();
  const wallAtStart = clock.now();
  const bargeInSettled = () =>
    probes.every(
      (p) => carrier.callee(p.carrierCallId)?.agentStoppedAfterMs != null || p.probe.interrupted === undefined,
    );
  while (clock.now() < windowEnd) {
    await clock.sleep(Math.min(250, windowEnd - clock.now()));
    if (options.workload === 'barge_in' && probes.every((p) => p.probe.interrupted) && bargeInSettled()) break;
  }
  meter.measuring = false;
  const cpu = process.cpuUsage(cpuAtStart);
  const waitedMs = schedstat().waitMs - schedAtStart.waitMs;
  const wall = clock.now() - wallAtStart;
  const pacersAtEnd = pacerTotals();
  const vadAtEnd = vadCounters();
  eld.disable();
  gc();
  const mem = process.memoryUsage();

  const bargeIns: BargeInSample[] = [];
  const bargeInMissing: string[] = [];
  if (options.workload === 'barge_in') {
    for (const { probe, carrierCallId } of probes) {
      const sample = bargeInSample(probe, carrier.callee(carrierCallId), policy.bargeInMinSpeechMs);
      if (typeof sample === 'string') bargeInMissing.push(sample);
      else bargeIns.push(sample);
    }
  }
  await Promise.all(probes.map((p) => withTimeout(p.handle.hangup(), 5000)));
  rmSync(dir, { recursive: true, force: true });

  const jitter = meter.jitter.values();
  // The histogram holds the interval between the monitor's 10 ms timer firings: the delay is what exceeds 10 ms.
  const ns = (v: number) => round2(Math.max(0, v / 1e6 - ELD_RESOLUTION_MS));
  return {
    vad: vad.label,
    voice,
    calls: options.calls,
    answered: probes.filter((p) => p.probe.answeredAt !== undefined).length,
    turns,
    firstResponseMs: probes.flatMap(({ probe }) =>
      probe.answeredAt !== undefined && probe.firstFrameAt !== undefined ? [probe.firstFrameAt - probe.answeredAt] : [],
    ),
    bargeIns,
    bargeInMissing,
    jitter: {
      p50: round2(percentile(jitter, 50)),
      p99: round2(percentile(jitter, 99)),
      max: round2(max(jitter)),
      frames: meter.frames,
    },
    underruns: pacersAtEnd.underruns - pacersAtStart.underruns,
    skippedFrames: pacersAtEnd.skippedFrames - pacersAtStart.skippedFrames,
    cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / wall) * 1000) / 10,
    runqueueWaitPercent: Math.round((waitedMs / wall) * 1000) / 10,
    rssPerCallMb: round2((mem.rss - base.rss) / options.calls / 2 ** 20),
    heapPerCallMb: round2((mem.heapUsed - base.heapUsed) / options.calls / 2 ** 20),
    eventLoopDelay: { p50: ns(eld.percentile(50)), p99: ns(eld.percentile(99)), max: ns(eld.max) },
    errors,
    firstError,
    voicemailDetections,
    vadStats: {
      windows: vadAtEnd.windows - vadAtStart.windows,
      batches: vadAtEnd.batches - vadAtStart.batches,
      droppedFrames: vadAtEnd.droppedFrames - vadAtStart.droppedFrames,
    },
    turnsWithoutFinal,
  };
}

/**
 * The engine's own figure, and a strict one computed from the turn's timestamps: from when the
 * endpointing policy was due to decide (the later of speech end and the STT final, plus
 * `minEndpointingMs`; without a final, speech end plus `maxEndpointingMs`) to the first frame
 * out, minus the providers' nominal latencies. Unlike `platform_ms`, it charges the platform
 * for a late endpoint timer and for the fakes' timers firing late on a busy event loop, which
 * `platform_ms` counts as provider wait.
 */
export function turnSample(l: TurnLatency, policy: Policy): TurnSample {
  const due =
    l.stt_final === null
      ? l.caller_speech_end + policy.maxEndpointingMs
      : Math.max(l.caller_speech_end, l.stt_final) + policy.minEndpointingMs;
  return {
    platform: l.platform_ms,
    strict: round2(l.first_audio_out - due - policy.llmFirstTokenMs - policy.ttsFirstByteMs),
    total: l.total_ms,
    endpointLate: round2(l.endpoint - due),
  };
}

function bargeInSample(
  probe: CallProbe,
  report: ReturnType<SandboxCarrier['callee']>,
  minSpeechMs: number,
): BargeInSample | string {
  const onset = report?.bargeIn?.at;
  if (onset === undefined) return 'the callee never barged in';
  if (!probe.interrupted) return 'the engine never cut the agent';
  // The VAD decision that caught the barge-in: the first speech start decided after the onset.
  const decision = probe.vadStarts.find((d) => d.decidedAt >= onset);
  if (!decision) return 'no VAD speech_start after the onset';
  const total = probe.interrupted.lastSentAt - onset;
  const vadDecision = decision.decidedAt - onset;
  return {
    total: round2(total),
    vadDecision: round2(vadDecision),
    platform: round2(total - Math.max(vadDecision, minSpeechMs)),
    interruption: round2(probe.interrupted.at - onset),
    heard: report?.agentStoppedAfterMs ?? null,
  };
}

/** All threads of the process would need /proc/self/task/*; the main thread (the event loop) is what paces frames. */
function schedstat(): { waitMs: number } {
  try {
    const fields = readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(/\s+/).map(Number);
    return { waitMs: (fields[1] ?? 0) / 1e6 };
  } catch {
    return { waitMs: Number.NaN };
  }
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([promise, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);
}
