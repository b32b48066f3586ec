import { describe, expect, it } from 'vitest';
import { forEachFrame } from '../audio/testing/signals.js';
import { speechPcm16k } from '../audio/testing/speech.js';
import { VirtualClock } from '../clocks.js';
import { EnergyVad } from './energy.js';
import { SileroVad } from './silero.js';
import { createVad, type VadEvent } from './vad.js';

describe('SileroVad', () => {
  it('finds spoken words and their end in espeak-ng speech, not in the silence around them', async () => {
    const vad = await SileroVad.load();
    const clock = new VirtualClock();
    const stream = vad.createStream({ clock });
    const events: VadEvent[] = [];
    stream.onEvent((e) => events.push(e));
    const pcm = speechPcm16k([800, 'Hello, I would like to know more about the offer.', 1500]);
    const frames: Int16Array[] = [];
    forEachFrame(pcm, 320, (frame) => frames.push(frame.slice()));
    for (const frame of frames) {
      await clock.advance(20);
      stream.push(frame);
    }
    await vad.idle();
    expect(events.map((e) => e.type)).toEqual(['speech_start', 'speech_end']);
    // Where the voice really stops (espeak-ng leaves some quiet of its own after the last word).
    let last = pcm.length - 1;
    while (last > 0 && Math.abs(pcm[last]!) < 300) last--;
    const speechEndMs = last / 16;
    expect(events[0]!.at).toBeGreaterThan(700);
    expect(events[0]!.at).toBeLessThan(950);
    expect(Math.abs(events[1]!.at - speechEndMs)).toBeLessThan(200);
    expect(stream.speaking).toBe(false);
  });

  it('batches windows of concurrent streams into one model run, each stream keeping its own state', async () => {
    const vad = await SileroVad.load();
    const clock = new VirtualClock();
    const pcm = speechPcm16k([300, 'Yes, that works for me.', 600]);
    const frames: Int16Array[] = [];
    forEachFrame(pcm, 320, (frame) => frames.push(frame.slice()));

    // One stream alone: one window per run.
    const alone = vad.createStream({ clock });
    const aloneProbabilities: number[] = [];
    for (const frame of frames) {
      alone.push(frame);
      await vad.idle();
      aloneProbabilities.push(alone.probability);
    }
    const before = vad.stats;

    // Twelve streams fed the same frames in the same tick: one run per window for all of them.
    const streams = Array.from({ length: 12 }, () => vad.createStream({ clock }));
    const probabilities = streams.map(() => [] as number[]);
    for (const frame of frames) {
      for (const s of streams) s.push(frame);
      await vad.idle();
      for (const [i, s] of streams.entries()) probabilities[i]!.push(s.probability);
    }
    const windows = Math.floor((frames.length * 320) / 512);
    expect(vad.stats.windows - before.windows).toBe(windows * 12);
    expect(vad.stats.batches - before.batches).toBe(windows);
    for (const p of probabilities) {
      for (const [i, value] of p.entries()) expect(value).toBeCloseTo(aloneProbabilities[i]!, 4);
    }
    expect(Math.max(...aloneProbabilities)).toBeGreaterThan(0.8);
  });

  it('holds a virtual clock while its window is in the model, so run() cannot skip past the decision', async () => {
    const vad = await SileroVad.load();
    const clock = new VirtualClock();
    const stream = vad.createStream({ clock });
    const frames: Int16Array[] = [];
    forEachFrame(speechPcm16k(['Hello there, how are you?', 500]), 320, (frame) => frames.push(frame.slice()));
    let decidedAt: number | null = null;
    stream.onEvent((e) => {
      if (e.type === 'speech_start') decidedAt = clock.now();
    });
    let i = 0;
    const feed = () => {
      if (i < frames.length) stream.push(frames[i++]!);
      if (i < frames.length) clock.setTimer(20, feed);
    };
    clock.setTimer(20, feed);
    await clock.run({ until: () => i >= frames.length });
    await vad.idle();
    // Decided within the window and minSpeechMs of the onset, not whenever real inference finished.
    expect(decidedAt).not.toBeNull();
    expect(decidedAt!).toBeLessThan(400);
  });

  it('drops everything after close()', async () => {
    const vad = await SileroVad.load();
    const stream = vad.createStream({ clock: new VirtualClock() });
    const events: VadEvent[] = [];
    stream.onEvent((e) => events.push(e));
    stream.close();
    forEachFrame(speechPcm16k(['Hello there.']), 320, (frame) => stream.push(frame));
    await vad.idle();
    expect(events).toEqual([]);
  });
});

describe('createVad', () => {
  it('loads silero by default, one instance shared by every call, and energy when asked', async () => {
    const first = await createVad();
    expect(first.label).toBe('silero');
    expect(await createVad()).toBe(first);
    expect(await createVad({ prefer: 'energy' })).toBeInstanceOf(EnergyVad);
  });

  it('falls back to energy when the model cannot be loaded, saying why', async () => {
    const logs: string[] = [];
    const vad = await createVad({ sileroModelPath: '/nonexistent/silero.onnx', log: (m) => logs.push(m) });
    expect(vad.label).toBe('energy');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/silero VAD unavailable .*; using the energy VAD/);
  });
});
