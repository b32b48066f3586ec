import { describe, expect, it } from 'vitest';
import { concat, forEachFrame, noise, sine } from '../audio/testing/signals.js';
import { VirtualClock } from '../clocks.js';
import { EnergyVad } from './energy.js';
import type { VadEvent } from './vad.js';

/** A vowel-like signal: 200 Hz with harmonics, at `amplitude`, with a 4 Hz syllable envelope. */
function syllables(ms: number, amplitude: number): Int16Array {
  const out = new Int16Array(ms * 16);
  for (let i = 0; i < out.length; i++) {
    const t = i / 16000;
    const envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t);
    const wave =
      Math.sin(2 * Math.PI * 200 * t) + 0.5 * Math.sin(2 * Math.PI * 400 * t) + 0.3 * Math.sin(2 * Math.PI * 800 * t);
    out[i] = Math.round(amplitude * 32767 * envelope * wave * 0.55);
  }
  return out;
}

async function detect(pcm: Int16Array): Promise<VadEvent[]> {
  const clock = new VirtualClock();
  const stream = new EnergyVad().createStream({ clock });
  const events: VadEvent[] = [];
  stream.onEvent((e) => events.push(e));
  const frames: Int16Array[] = [];
  forEachFrame(pcm, 320, (frame) => frames.push(frame.slice()));
  for (const frame of frames) {
    await clock.advance(20);
    stream.push(frame);
  }
  return events;
}

describe('EnergyVad', () => {
  it('finds speech on a quiet line within a frame or two of where it is, and its end', async () => {
    const line = (ms: number, seed: number) => noise({ sampleRate: 16000, ms, amplitude: 0.002, seed });
    const events = await detect(concat(line(1000, 1), syllables(1500, 0.3), line(1500, 2)));
    expect(events.map((e) => e.type)).toEqual(['speech_start', 'speech_end']);
    expect(events[0]!.at).toBeGreaterThanOrEqual(980);
    expect(events[0]!.at).toBeLessThanOrEqual(1060);
    expect(events[1]!.at).toBeGreaterThanOrEqual(2400);
    expect(events[1]!.at).toBeLessThanOrEqual(2560);
  });

  it('adapts to a steady loud noise: it stops being speech within about 2 s and speech above it is still found', async () => {
    const hum = (ms: number, seed: number) => noise({ sampleRate: 16000, ms, amplitude: 0.05, seed });
    const events = await detect(concat(hum(4000, 3), syllables(1000, 0.5), hum(1500, 4)));
    const starts = events.filter((e) => e.type === 'speech_start');
    // The noise starting is taken for speech at first (the assumed floor is a quiet line)…
    expect(starts[0]!.at).toBeLessThan(100);
    expect(events[1]!.type).toBe('speech_end');
    expect(events[1]!.at).toBeLessThan(2400);
    // …then the real speech is found on top of it.
    expect(starts[1]!.at).toBeGreaterThanOrEqual(3900);
    // (its first syllable dips under the noise a quarter-second in: the start may be the second one)
    expect(starts[1]!.at).toBeLessThanOrEqual(4300);
  });

  it('does not start on a 100 ms click or on silence', async () => {
    const quiet = new Int16Array(16000);
    expect(
      await detect(concat(quiet, sine({ frequency: 1000, sampleRate: 16000, ms: 100, amplitude: 0.8 }), quiet)),
    ).toEqual([]);
    expect(await detect(new Int16Array(16000 * 3))).toEqual([]);
  });

  it('reports speaking and probability, and stops after close()', async () => {
    const clock = new VirtualClock();
    const stream = new EnergyVad().createStream({ clock });
    const speech = syllables(400, 0.3);
    forEachFrame(speech, 320, (frame) => stream.push(frame));
    expect(stream.speaking).toBe(true);
    expect(stream.probability).toBeGreaterThan(0.5);
    stream.close();
    const events: VadEvent[] = [];
    stream.onEvent((e) => events.push(e));
    forEachFrame(new Int16Array(16000), 320, (frame) => stream.push(frame));
    expect(events).toEqual([]);
  });
});
