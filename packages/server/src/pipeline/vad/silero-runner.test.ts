import { afterAll, describe, expect, it } from 'vitest';
import { forEachFrame } from '../audio/testing/signals.js';
import { speechPcm16k } from '../audio/testing/speech.js';
import { RealClock, VirtualClock } from '../clocks.js';
import { SileroVad } from './silero.js';
import type { VadEvent } from './vad.js';

/** Where the model runs (silero-runner.ts) and how a stream buffers what the model has not read yet. */
describe('SileroVad threads and buffering', () => {
  const loaded: SileroVad[] = [];
  const load = async (thread: 'worker' | 'main') => {
    const vad = await SileroVad.load({ thread });
    loaded.push(vad);
    return vad;
  };
  afterAll(() => Promise.all(loaded.map((v) => v.close())));

  // 3.5 s: long enough that a stream's buffer start passes its 1 s mark and is moved down.
  const frames: Int16Array[] = [];
  forEachFrame(
    speechPcm16k([400, 'Yes, I would like to hear more about the offer, please call me back tomorrow.', 800]),
    320,
    (f) => frames.push(f.slice()),
  );

  it('runs the model in a worker thread by default, with the same results as on the event loop', async () => {
    const worker = await load('worker');
    const main = await load('main');
    expect(worker.thread).toBe('worker');
    expect(main.thread).toBe('main');
    const trace = async (vad: SileroVad) => {
      const stream = vad.createStream({ clock: new RealClock() });
      const probabilities: number[] = [];
      for (const frame of frames) {
        stream.push(frame);
        await vad.idle();
        probabilities.push(stream.probability);
      }
      stream.close();
      return probabilities;
    };
    const a = await trace(worker);
    const b = await trace(main);
    expect(a.length).toBeGreaterThan(150);
    for (const [i, p] of a.entries()) expect(p).toBeCloseTo(b[i]!, 5);
    expect(Math.max(...a)).toBeGreaterThan(0.8);
  });

  it('decides the same when the model falls behind as when it keeps up; on a real clock it drops what is over 1 s behind', async () => {
    const vad = await load('worker');
    const run = async (burst: number, clock: VirtualClock | RealClock) => {
      const stream = vad.createStream({ clock });
      const events: VadEvent[] = [];
      stream.onEvent((e) => events.push(e));
      for (let i = 0; i < frames.length; i += burst) {
        for (const frame of frames.slice(i, i + burst)) stream.push(frame);
        await vad.idle();
      }
      return { events, dropped: (stream as unknown as { droppedFrames: number }).droppedFrames };
    };
    const steady = await run(1, new VirtualClock());
    expect(steady.events.map((e) => e.type)).toEqual(['speech_start', 'speech_end']);
    // 0.9 s and 1.8 s queued at once, many times over: the buffer's start moves down and (virtual
    // time is never late) grows past 1 s, losing nothing.
    for (const burst of [45, 90]) {
      const behind = await run(burst, new VirtualClock());
      expect(behind.events).toEqual(steady.events);
      expect(behind.dropped).toBe(0);
    }
    // Real time: 60 frames (1.2 s) at once, of which what exceeds 1 s (16,000 samples: 50 frames,
    // 49 when a partial window is left over) is dropped.
    const bursts = Math.floor(frames.length / 60);
    const dropped = (await run(60, new RealClock())).dropped;
    expect(dropped).toBeGreaterThanOrEqual(bursts * 10);
    expect(dropped).toBeLessThanOrEqual((bursts + 1) * 11);
  });

  it('fails to load, saying why, when the worker cannot open the model', async () => {
    await expect(SileroVad.load({ modelPath: '/nonexistent/silero.onnx' })).rejects.toThrow(/nonexistent/);
  });
});
