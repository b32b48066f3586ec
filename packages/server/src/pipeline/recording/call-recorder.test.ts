import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseWav, wavSamples } from '../audio/wav.js';
import { VirtualClock } from '../clocks.js';
import { CallRecorder } from './call-recorder.js';

const RATE = 16000;
const FRAME = 320;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cs-recording-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const constant = (value: number) => new Int16Array(FRAME).fill(value);

async function readWav(path: string) {
  const info = parseWav(await readFile(path));
  return { info, samples: wavSamples(info) };
}

/** First sample index where `samples` is not zero. */
const firstNonZero = (samples: Int16Array) => samples.findIndex((s) => s !== 0);

describe('CallRecorder', () => {
  it('mixes both sides on the clock, fills a silent side with zeros, and writes a valid WAV per channel', async () => {
    const clock = new VirtualClock(5000);
    const path = join(dir, 'call.wav');
    const recorder = new CallRecorder({ path, sampleRate: RATE, separateChannels: true, clock });
    // The caller speaks from 0 to 1.2 s; the agent answers from 0.5 s to 1.5 s (one frame sent per 20 ms).
    for (let t = 20; t <= 1500; t += 20) {
      await clock.advance(20);
      if (t <= 1200) recorder.writeInbound(constant(1000));
      if (t > 500) recorder.writeOutbound(constant(2000));
    }
    const result = await recorder.close();
    expect(result.path).toBe(path);
    expect(result.durationMs).toBe(1500);
    expect(result.channelPaths).toEqual([join(dir, 'call.caller.wav'), join(dir, 'call.agent.wav')]);
    expect(result.bytes).toBe((await stat(path)).size);
    expect(result.bytes).toBe(44 + 1.5 * RATE * 2);

    const mixed = await readWav(path);
    expect(mixed.info).toMatchObject({ sampleRate: RATE, channels: 1, encoding: 'pcm16' });
    expect(mixed.samples.length).toBe(1.5 * RATE);
    const caller = (await readWav(result.channelPaths![0]!)).samples;
    const agent = (await readWav(result.channelPaths![1]!)).samples;
    expect(caller.length).toBe(mixed.samples.length);
    expect(agent.length).toBe(mixed.samples.length);
    // The agent's audio starts at 0.5 s on the timeline, within half a frame.
    expect(Math.abs(firstNonZero(agent) - 0.5 * RATE)).toBeLessThanOrEqual(FRAME / 2);
    expect(caller.subarray(0, 1.2 * RATE).every((s) => s === 1000)).toBe(true);
    expect(caller.subarray(1.2 * RATE).every((s) => s === 0)).toBe(true);
    // The mix is the sum where both speak, each alone elsewhere.
    expect(mixed.samples[0.2 * RATE]).toBe(1000);
    expect(mixed.samples[RATE]).toBe(3000);
    expect(mixed.samples[1.4 * RATE]).toBe(2000);
  });

  it('clips the mix instead of wrapping', async () => {
    const clock = new VirtualClock();
    const path = join(dir, 'loud.wav');
    const recorder = new CallRecorder({ path, sampleRate: RATE, clock });
    for (let i = 0; i < 5; i++) {
      await clock.advance(20);
      recorder.writeInbound(constant(30000));
      recorder.writeOutbound(constant(-30000 + 40000));
    }
    await recorder.close();
    const { samples } = await readWav(path);
    expect(samples.every((s) => s === 32767)).toBe(true);
  });

  it('streams to disk during the call: a 10 s call has its first seconds in the file before close', async () => {
    const clock = new VirtualClock();
    const path = join(dir, 'long.wav');
    const recorder = new CallRecorder({ path, sampleRate: RATE, clock });
    for (let t = 0; t < 10_000; t += 20) {
      await clock.advance(20);
      recorder.writeInbound(constant(100));
    }
    // The agent never spoke: its side is zeros, filled from the clock, so the mix is not held back.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const during = (await stat(path)).size;
    expect(during).toBeGreaterThanOrEqual(44 + 9 * RATE * 2);
    // Readable as it is (a crash now would leave this file): the header says "to the end".
    const partial = wavSamples(parseWav(await readFile(path)));
    expect(partial.length).toBe((during - 44) / 2);
    expect(partial.every((s) => s === 100)).toBe(true);
    const result = await recorder.close();
    expect(result.durationMs).toBe(10_000);
    // The header was patched on close: a reader sees the exact length.
    const bytes = await readFile(path);
    expect(bytes.readUInt32LE(40)).toBe(10 * RATE * 2);
    expect(bytes.readUInt32LE(4)).toBe(36 + 10 * RATE * 2);
  });

  it('absorbs timer jitter under half a frame: frames arriving ±8 ms off the grid leave no gaps', async () => {
    const clock = new VirtualClock();
    const path = join(dir, 'jitter.wav');
    const recorder = new CallRecorder({ path, sampleRate: RATE, clock });
    for (let i = 1; i <= 100; i++) {
      await clock.advance(i * 20 + (i % 2 ? 8 : -8) - clock.now());
      recorder.writeInbound(constant(1000));
      recorder.writeOutbound(constant(1));
    }
    await recorder.close();
    const { samples } = await readWav(path);
    expect(samples.length).toBe(2 * RATE);
    expect(samples.every((s) => s === 1001)).toBe(true);
  });

  it('stays aligned when the caller side has a gap (a carrier that sent nothing for 200 ms)', async () => {
    const clock = new VirtualClock();
    const path = join(dir, 'gap.wav');
    const recorder = new CallRecorder({ path, sampleRate: RATE, separateChannels: true, clock });
    for (let t = 20; t <= 1000; t += 20) {
      await clock.advance(20);
      if (t <= 400 || t > 600) recorder.writeInbound(constant(t));
      recorder.writeOutbound(constant(1));
    }
    const result = await recorder.close();
    const caller = (await readWav(result.channelPaths![0]!)).samples;
    // The frame received at 620 ms (the first after the gap) sits at 600..620 ms, not at 400 ms.
    const at = caller.indexOf(620);
    expect(Math.abs(at - 0.6 * RATE)).toBeLessThanOrEqual(FRAME / 2);
    expect(caller.length).toBe(RATE);
  });
});
