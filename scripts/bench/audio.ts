/**
 * `npm run bench -- audio`: the per-call audio path's costs, which set how many calls one core
 * can carry (issue 4's density target: ≥ 100 calls per core, outbound jitter p99 ≤ 5 ms, no
 * underrun).
 *
 * Per 20 ms frame (ns, best of 3 runs after a warm-up, on this process's one core):
 *   μ-law decode (160 bytes) and encode, resampling 8→16 kHz (inbound) and 24→8 kHz (TTS out),
 *   the energy VAD, the Silero VAD alone (one stream, one window per model run) and batched
 *   across 100 streams (one model run per window for all of them); Silero runs 512-sample
 *   windows, so its cost per 20 ms frame is its cost per window × 320/512.
 *
 * Pacer jitter: N pacers on the real clock, each fed so it never runs dry, each frame μ-law
 * encoded in `send` as a carrier would; the figure is |interval between a pacer's consecutive
 * frames − 20 ms| over every frame of every pacer (p50, p99, max), for 100 and 200 pacers in
 * one PacerGroup (one timer) and 200 pacers each on its own timer, and one pacer alone (the
 * machine's own timer noise, the floor for the others). 20 s per run (`--quick`: 2 s). The
 * pacer's CPU per frame is measured apart, on a virtual clock (`pacer_tick_ns_per_frame`).
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { decodeMulaw, encodeMulaw } from '../../packages/server/src/pipeline/audio/g711.js';
import { FramePacer, PacerGroup } from '../../packages/server/src/pipeline/audio/pacer.js';
import { Resampler } from '../../packages/server/src/pipeline/audio/resampler.js';
import { RealClock, VirtualClock } from '../../packages/server/src/pipeline/clocks.js';
import { EnergyVad } from '../../packages/server/src/pipeline/vad/energy.js';
import { SileroVad } from '../../packages/server/src/pipeline/vad/silero.js';
import type { Figure, Suite, SuiteOptions, Target } from './report.js';

const BENCH = 'audio';
const TARGET_JITTER_P99: Target = { op: '<=', value: 5 };
const TARGET_UNDERRUNS: Target = { op: '<=', value: 0 };

export const audioSuite: Suite = {
  name: BENCH,
  description: 'per-frame cost of codec, resampling and VAD (energy, silero, batched); pacer jitter for 100/200 calls',
  run: (options: SuiteOptions) => runAudioBench(options),
};

/** A voice-like test signal: harmonics of 180 Hz with a syllable envelope, plus a little noise. */
function voice(samples: number, rate: number): Int16Array {
  const out = new Int16Array(samples);
  let seed = 1;
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const v =
      Math.sin(2 * Math.PI * 180 * t) + 0.5 * Math.sin(2 * Math.PI * 360 * t) + 0.2 * Math.sin(2 * Math.PI * 900 * t);
    out[i] = Math.round(8000 * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t)) * v + (seed / 0xffffffff - 0.5) * 200);
  }
  return out;
}

/** ns per call of `fn`, best of 3 runs of `iterations` after one warm-up run. */
function nsPerCall(iterations: number, fn: (i: number) => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 4; run++) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) fn(i);
    const ns = ((performance.now() - start) * 1e6) / iterations;
    if (run > 0) best = Math.min(best, ns);
  }
  return Math.round(best);
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export async function runAudioBench(options: SuiteOptions): Promise<Figure[]> {
  const { quick, log } = options;
  const figures: Figure[] = [];
  const fig = (figure: string, value: number, unit: string, extra: Partial<Figure> = {}) =>
    figures.push({ bench: BENCH, figure, engine: null, value, unit, ...extra });
  const iterations = quick ? 2_000 : 20_000;

  // Codec and resampling.
  const speech8k = voice(8000, 8000);
  const frames8k = Array.from({ length: 50 }, (_, i) => speech8k.subarray(i * 160, i * 160 + 160));
  const ulawFrames = frames8k.map((f) => {
    const out = new Uint8Array(160);
    encodeMulaw(f, out);
    return out;
  });
  const pcm160 = new Int16Array(160);
  const ulaw160 = new Uint8Array(160);
  log('audio: codec and resampler');
  fig(
    'ulaw_decode_ns_per_frame',
    nsPerCall(iterations, (i) => decodeMulaw(ulawFrames[i % 50]!, pcm160)),
    'ns',
  );
  fig(
    'ulaw_encode_ns_per_frame',
    nsPerCall(iterations, (i) => encodeMulaw(frames8k[i % 50]!, ulaw160)),
    'ns',
  );
  const up = new Resampler({ from: 8000, to: 16000 });
  const pcm320 = new Int16Array(320);
  fig(
    'resample_8k_to_16k_ns_per_frame',
    nsPerCall(iterations, (i) => up.process(frames8k[i % 50]!, pcm320)),
    'ns',
  );
  const speech24k = voice(24000, 24000);
  const down = new Resampler({ from: 24000, to: 8000 });
  fig(
    'resample_24k_to_8k_ns_per_frame',
    nsPerCall(iterations, (i) => down.process(speech24k.subarray((i % 50) * 480, (i % 50) * 480 + 480), pcm160)),
    'ns',
  );

  // VAD.
  log('audio: VAD');
  const speech16k = voice(16000, 16000);
  const frames16k = Array.from({ length: 50 }, (_, i) => speech16k.subarray(i * 320, i * 320 + 320));
  const energyStream = new EnergyVad().createStream({ clock: new VirtualClock() });
  fig(
    'vad_energy_ns_per_frame',
    nsPerCall(iterations, (i) => energyStream.push(frames16k[i % 50]!)),
    'ns',
  );

  try {
    const silero = await SileroVad.load();
    const clock = new VirtualClock();
    const windowsNote = 'Silero runs 512-sample windows: cost per 20 ms frame = cost per window × 320/512';
    const single = silero.createStream({ clock });
    const singleFrames = quick ? 200 : 2000;
    const time = async (frames: number, push: (i: number) => void) => {
      for (let i = 0; i < 50; i++) push(i); // warm-up
      await silero.idle();
      const start = performance.now();
      for (let i = 0; i < frames; i++) {
        push(i);
        await silero.idle();
      }
      return (performance.now() - start) * 1e6;
    };
    const singleNs = await time(singleFrames, (i) => single.push(frames16k[i % 50]!));
    fig('vad_silero_ns_per_frame', Math.round(singleNs / singleFrames), 'ns', { note: windowsNote });
    single.close();
    const streams = Array.from({ length: 100 }, () => silero.createStream({ clock }));
    const batchFrames = quick ? 50 : 500;
    const batchedNs = await time(batchFrames, (i) => {
      for (const s of streams) s.push(frames16k[i % 50]!);
    });
    fig('vad_silero_batched_100_ns_per_frame', Math.round(batchedNs / (batchFrames * 100)), 'ns', {
      note: `${windowsNote}; 100 streams, one model run per window for all`,
    });
    for (const s of streams) s.close();
  } catch (err) {
    options.note(`silero not measured: ${err instanceof Error ? err.message : String(err)}`);
  }

  // The pacer's own work per frame (what a group tick costs per call): copy, pad check, μ-law encode.
  {
    const clock = new VirtualClock();
    const encoded = new Uint8Array(160);
    const oneSecond = voice(8000, 8000);
    const pacers = Array.from({ length: 200 }, () => {
      const pacer: FramePacer = new FramePacer({
        clock,
        frameSamples: 160,
        send: (frame) => {
          encodeMulaw(frame, encoded);
          if (pacer.queuedMs < 500) pacer.push(oneSecond);
        },
      });
      pacer.push(oneSecond);
      return pacer;
    });
    const ns = nsPerCall(quick ? 100 : 1000, () => {
      for (const pacer of pacers) pacer.tick();
    });
    fig('pacer_tick_ns_per_frame', Math.round(ns / pacers.length), 'ns', {
      note: 'one tick of 200 fed pacers with μ-law encode in send, per pacer',
    });
  }

  // Pacers on the real clock. The machine's own timer noise is the floor: one pacer alone shows it.
  const load1 = loadavg()[0] ?? 0;
  if (load1 > cpus().length) {
    options.note(
      `load average ${load1.toFixed(1)} on ${cpus().length} cores during the run: other processes took CPU, so timer jitter and ns figures are inflated`,
    );
  }
  const seconds = quick ? 2 : 20;
  for (const [count, grouped] of [
    [1, false],
    [100, true],
    [200, true],
    [200, false],
  ] as const) {
    log(`audio: ${count} pacers ${grouped ? 'in one group' : 'on their own timers'}, ${seconds} s`);
    const result = await pacerJitter({ count, grouped, seconds });
    const name = `pacer_${count}_${grouped ? 'group' : 'timers'}`;
    const note = `|interval between consecutive frames − 20 ms| over all frames of ${count} pacers, real clock, ${seconds} s, μ-law encode in send`;
    fig(`${name}_jitter_p50_ms`, round2(result.p50), 'ms', { note });
    fig(`${name}_jitter_p99_ms`, round2(result.p99), 'ms', { target: TARGET_JITTER_P99, note });
    fig(`${name}_jitter_max_ms`, round2(result.max), 'ms', { note });
    fig(`${name}_underruns`, result.underruns, 'count', { target: TARGET_UNDERRUNS });
  }
  return figures;
}

async function pacerJitter(options: { count: number; grouped: boolean; seconds: number }) {
  const clock = new RealClock();
  const group = options.grouped ? new PacerGroup({ clock }) : undefined;
  const expectedFrames = options.count * options.seconds * 50;
  const deviations = new Float64Array(expectedFrames + options.count * 10);
  let n = 0;
  const oneSecond = voice(8000, 8000);
  const pacers: FramePacer[] = [];
  for (let p = 0; p < options.count; p++) {
    let last = -1;
    const encoded = new Uint8Array(160);
    const pacer: FramePacer = new FramePacer({
      clock,
      frameSamples: 160,
      ...(group ? { group } : {}),
      send: (frame) => {
        encodeMulaw(frame, encoded);
        const now = clock.now();
        if (last >= 0 && n < deviations.length) deviations[n++] = Math.abs(now - last - 20);
        last = now;
        if (pacer.queuedMs < 500) pacer.push(oneSecond);
      },
    });
    pacer.push(oneSecond);
    pacers.push(pacer);
  }
  for (const pacer of pacers) pacer.start();
  await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
  for (const pacer of pacers) pacer.stop();
  const sorted = deviations.subarray(0, n).sort();
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? 0,
    underruns: pacers.reduce((sum, p) => sum + p.underruns, 0),
  };
}
