import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock.js';
import { VirtualClock } from '../clocks.js';
import { FramePacer, PacerGroup } from './pacer.js';

function ramp(samples: number, from = 1): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) => from + i);
}

function recordingPacer(clock: VirtualClock, extra: { group?: PacerGroup } = {}) {
  const sent: { at: number; first: number; last: number }[] = [];
  const events: string[] = [];
  const pacer = new FramePacer({
    clock,
    frameSamples: 160,
    send: (frame) => sent.push({ at: clock.now(), first: frame[0]!, last: frame[159]! }),
    onUnderrun: () => events.push(`underrun@${clock.now()}`),
    onDrained: () => events.push(`drained@${clock.now()}`),
    ...extra,
  });
  return { pacer, sent, events };
}

describe('FramePacer', () => {
  it('sends one frame every 20 ms, in order, the first at once, and counts what it sent', async () => {
    const clock = new VirtualClock(1000);
    const { pacer, sent, events } = recordingPacer(clock);
    pacer.start();
    pacer.push(ramp(160 * 5));
    // The first frame left inside push(), not on a timer.
    expect(sent.map((s) => s.at)).toEqual([1000]);
    expect(pacer.queuedMs).toBe(80);
    await clock.advance(200);
    expect(sent.map((s) => s.at)).toEqual([1000, 1020, 1040, 1060, 1080]);
    expect(sent.map((s) => s.first)).toEqual([1, 161, 321, 481, 641]);
    expect(pacer.sentMs).toBe(100);
    expect(pacer.queuedMs).toBe(0);
    expect(events).toEqual(['drained@1080', 'underrun@1100']);
    expect(pacer.underruns).toBe(1);
  });

  it('keeps absolute deadlines: a timer that fires late does not delay the frames after it', async () => {
    const clock = new VirtualClock();
    // The timer set at 20 for the deadline at 40 fires 27 ms late (a busy event loop).
    let lateBy = 0;
    const lateClock: Clock = {
      now: () => clock.now(),
      sleep: (ms, signal) => clock.sleep(ms, signal),
      setTimer: (ms, fn) => {
        const timer = clock.setTimer(ms + lateBy, fn);
        lateBy = 0;
        return timer;
      },
    };
    const sent: { at: number; first: number }[] = [];
    const pacer = new FramePacer({
      clock: lateClock,
      frameSamples: 160,
      send: (frame) => sent.push({ at: clock.now(), first: frame[0]! }),
    });
    pacer.start();
    pacer.push(ramp(160 * 10));
    await clock.advance(0);
    lateBy = 27;
    await clock.advance(100);
    const times = sent.map((s) => s.at);
    // Deadlines 40 and 60 are caught up at 67 in a burst, then back on the grid: 80, 100, …
    expect(times.slice(0, 6)).toEqual([0, 20, 67, 67, 80, 100]);
    expect(sent.map((s) => s.first).slice(0, 6)).toEqual([1, 161, 321, 481, 641, 801]);
  });

  it('after a stall longer than 5 frames, catches up only the last 5 and counts the deadlines skipped', async () => {
    const clock = new VirtualClock();
    let lateBy = 0;
    const lateClock: Clock = {
      now: () => clock.now(),
      sleep: (ms, signal) => clock.sleep(ms, signal),
      setTimer: (ms, fn) => {
        const timer = clock.setTimer(ms + lateBy, fn);
        lateBy = 0;
        return timer;
      },
    };
    const sent: number[] = [];
    const pacer = new FramePacer({ clock: lateClock, frameSamples: 160, send: () => sent.push(clock.now()) });
    pacer.start();
    pacer.push(ramp(160 * 50));
    await clock.advance(0);
    lateBy = 200; // the timer set at 20 for the deadline at 40 fires at 240
    await clock.advance(250);
    // Deadlines 40…140 are given up; 160…240 go out in a burst at 240.
    expect(sent).toEqual([0, 20, 240, 240, 240, 240, 240]);
    expect(pacer.skippedFrames).toBe(6);
    expect(pacer.sentMs).toBe(140);
  });

  it('holds a partial frame one tick for the rest of it, then pads it; finish() sends the tail at once', async () => {
    const clock = new VirtualClock();
    const { pacer, sent, events } = recordingPacer(clock);
    pacer.start();
    pacer.push(ramp(240));
    await clock.advance(0);
    expect(sent).toHaveLength(1);
    await clock.advance(20); // 80 samples left: waits (an underrun: the producer is behind)
    expect(sent).toHaveLength(1);
    pacer.push(ramp(80, 241));
    await clock.advance(20);
    expect(sent[1]).toEqual({ at: 40, first: 161, last: 320 });
    expect(events).toEqual(['underrun@20', 'drained@40']);

    pacer.push(ramp(100, 1000));
    pacer.finish();
    await clock.advance(20);
    expect(sent[2]).toEqual({ at: 60, first: 1000, last: 0 });
    expect(pacer.sentMs).toBe(20 + 20 + 12.5);
  });

  it('does not count an underrun when the producer said it had finished, and stops ticking when idle', async () => {
    const clock = new VirtualClock();
    const { pacer, events } = recordingPacer(clock);
    pacer.start();
    pacer.push(ramp(320));
    pacer.finish();
    await clock.advance(200);
    expect(events).toEqual(['drained@20']);
    expect(pacer.underruns).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('starts the next reply on a fresh grid, but never less than 20 ms after the last frame', async () => {
    const clock = new VirtualClock();
    const { pacer, sent } = recordingPacer(clock);
    pacer.start();
    pacer.push(ramp(160));
    pacer.finish();
    await clock.advance(25);
    pacer.push(ramp(160));
    pacer.finish();
    await clock.advance(100);
    pacer.push(ramp(160));
    await clock.advance(5);
    expect(sent.map((s) => s.at)).toEqual([0, 25, 125]);
  });

  it('clear() drops the queue at once and reports how much, without an underrun', async () => {
    const clock = new VirtualClock();
    const { pacer, sent, events } = recordingPacer(clock);
    pacer.start();
    pacer.push(ramp(160 * 50));
    await clock.advance(40);
    expect(sent).toHaveLength(3);
    expect(pacer.clear()).toBe(940);
    await clock.advance(100);
    expect(sent).toHaveLength(3);
    expect(pacer.sentMs).toBe(60);
    expect(events).toEqual([]);
  });

  it('stop() halts sending and keeps the queue', async () => {
    const clock = new VirtualClock();
    const { pacer, sent } = recordingPacer(clock);
    pacer.start();
    pacer.push(ramp(160 * 10));
    await clock.advance(20);
    pacer.stop();
    await clock.advance(100);
    expect(sent).toHaveLength(2);
    expect(pacer.queuedMs).toBe(160);
    expect(clock.pending).toBe(0);
  });

  it('takes a chunk longer than its ring (a whole TTS sentence at once) without losing a sample', async () => {
    const clock = new VirtualClock();
    const { pacer, sent } = recordingPacer(clock);
    pacer.start();
    pacer.push(ramp(160 * 30));
    pacer.push(ramp(160 * 100, 30_000 - 160 * 100));
    await clock.advance(20 * 130);
    expect(sent).toHaveLength(130);
    expect(sent[29]!.last).toBe(160 * 30);
    expect(sent[129]!.last).toBe(29_999);
  });

  it('keeps one frame per 20 ms when the producer refills from inside send()', async () => {
    const clock = new VirtualClock();
    const sent: number[] = [];
    const pacer: FramePacer = new FramePacer({
      clock,
      frameSamples: 160,
      send: () => {
        sent.push(clock.now());
        if (pacer.queuedMs < 40) pacer.push(ramp(160 * 5));
      },
    });
    pacer.push(ramp(160));
    pacer.start();
    await clock.advance(1000);
    expect(sent).toHaveLength(51);
    expect(sent.every((at, i) => at === i * 20)).toBe(true);
    expect(pacer.underruns).toBe(0);
  });
});

describe('PacerGroup', () => {
  it('ticks every member on one timer, each with its own queue', async () => {
    const clock = new VirtualClock();
    const group = new PacerGroup({ clock });
    const a = recordingPacer(clock, { group });
    const b = recordingPacer(clock, { group });
    a.pacer.start();
    b.pacer.start();
    a.pacer.push(ramp(160 * 3));
    b.pacer.push(ramp(160 * 2, 5000));
    b.pacer.finish();
    expect(clock.pending).toBe(1);
    await clock.advance(60);
    expect(a.sent.map((s) => s.at)).toEqual([0, 20, 40]);
    expect(b.sent.map((s) => [s.at, s.first])).toEqual([
      [0, 5000],
      [20, 5160],
    ]);
    expect(b.pacer.underruns).toBe(0);
    expect(a.pacer.underruns).toBe(1);
    a.pacer.stop();
    b.pacer.stop();
    expect(group.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it("sends a waking member's first frame at once, then serves it from the nearest slot on one timer", async () => {
    const clock = new VirtualClock();
    const group = new PacerGroup({ clock });
    const a = recordingPacer(clock, { group });
    const b = recordingPacer(clock, { group });
    a.pacer.start();
    b.pacer.start();
    a.pacer.push(ramp(160 * 3));
    a.pacer.finish();
    await clock.advance(7);
    b.pacer.push(ramp(160 * 3));
    b.pacer.finish();
    expect(b.sent.map((s) => s.at)).toEqual([7]);
    // Two pacers on grids, one group timer.
    expect(clock.pending).toBe(1);
    await clock.advance(100);
    expect(a.sent.map((s) => s.at)).toEqual([0, 20, 40]);
    // 7 + 20 = 27 is halfway between the 2 ms slots 26 and 28: it rounds up, to 28.
    expect(b.sent.map((s) => s.at)).toEqual([7, 28, 48]);
    expect(a.pacer.underruns + b.pacer.underruns).toBe(0);
    // Both idle: no timer left while the calls stay up.
    expect(group.size).toBe(2);
    expect(clock.pending).toBe(0);
  });

  it('never serves a member a frame period early when its slot shares a set with an earlier one', async () => {
    // Slots are kept modulo a frame (10 sets of 2 ms), so a pacer due at slot k sits in the same
    // set as slot k − 10. A busy group visits that set before k: the member must wait for its own
    // deadline, not send ~20 ms early (this was the density bench's ~18 ms interval jitter).
    const clock = new VirtualClock();
    const group = new PacerGroup({ clock });
    const busy = Array.from({ length: 10 }, () => recordingPacer(clock, { group }));
    for (const [i, p] of busy.entries()) {
      p.pacer.start();
      await clock.advance(i === 0 ? 0 : 2);
      p.pacer.push(ramp(160 * 20));
    }
    const b = recordingPacer(clock, { group });
    b.pacer.start();
    await clock.advance(3);
    b.pacer.push(ramp(160 * 6));
    b.pacer.finish();
    await clock.advance(200);
    const at = b.sent.map((s) => s.at);
    expect(at.length).toBe(6);
    const intervals = at.slice(1).map((t, i) => t - (at[i] as number));
    // The grid moves to the nearest 2 ms slot once (≤ 1 ms), then exactly 20 ms.
    expect(Math.abs((intervals[0] as number) - 20)).toBeLessThanOrEqual(1);
    for (const dt of intervals.slice(1)) expect(dt).toBe(20);
    for (const p of busy) {
      const times = p.sent.map((s) => s.at);
      for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBe(20);
    }
  });

  it('shares one group per clock', () => {
    const clock = new VirtualClock();
    expect(PacerGroup.shared(clock)).toBe(PacerGroup.shared(clock));
    expect(PacerGroup.shared(clock)).not.toBe(PacerGroup.shared(new VirtualClock()));
  });
});
