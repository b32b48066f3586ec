import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clocks.js';
import { type Frame, frame } from '../frames/index.js';
import { runFrames } from '../testing/run-frames.js';
import { UserTurnProcessor } from './user-turn-processor.js';

const types = (frames: Frame[]) => frames.map((f) => f.type);

function setup(min_words = 2) {
  const clock = new VirtualClock();
  const p = new UserTurnProcessor({ clock, interruptions: { enabled: true, min_words } });
  // Steps are built before they run, so each frame says its own time (the step list's clock).
  return {
    clock,
    p,
    start: (at = 0) => frame('user.started_speaking', { at }),
    stop: (at = 0) => frame('user.stopped_speaking', { at }),
    final: (text: string, endOfUtterance: boolean, at: number) =>
      frame('transcript.final', { text, endOfUtterance, at }),
    interim: (text: string, at = 0) => frame('transcript.interim', { text, confidence: 0.9, at }),
    bot: (started: boolean) => frame(started ? 'bot.started_speaking' : 'bot.stopped_speaking', { turn: 1, at: 0 }),
  };
}

describe('UserTurnProcessor endpointing', () => {
  it('takes the turn min_endpointing_ms after VAD silence once a final says the utterance is complete', async () => {
    const t = setup();
    const out = await runFrames(
      t.p,
      [
        t.start(0),
        { advance: 800 },
        t.stop(800),
        { advance: 100 },
        t.final('yes that works', true, 900),
        { advance: 299 },
      ],
      { clock: t.clock },
    );
    expect(types(out.downstream)).not.toContain('user.turn');
    const more = await runFrames(t.p, [{ advance: 1 }], { clock: t.clock });
    const turn = more.downstream.find((f) => f.type === 'user.turn');
    expect(turn).toMatchObject({ text: 'yes that works', speechEndAt: 800, sttFinalAt: 900, at: 1200 });
  });

  it('waits max_endpointing_ms without an end-of-utterance final, and speech resuming cancels the decision', async () => {
    const t = setup();
    const out = await runFrames(
      t.p,
      [
        t.start(0),
        { advance: 500 },
        t.final('I was thinking', false, 500),
        t.stop(500),
        { advance: 1000 },
        t.start(1500),
        { advance: 600 },
        t.interim('maybe Tuesday', 2100),
        t.stop(2100),
        { advance: 1499 },
      ],
      { clock: t.clock },
    );
    expect(types(out.downstream)).not.toContain('user.turn');
    const more = await runFrames(t.p, [{ advance: 1 }], { clock: t.clock });
    expect(more.downstream.find((f) => f.type === 'user.turn')).toMatchObject({
      text: 'I was thinking maybe Tuesday',
      sttFinalAt: undefined,
      at: 2100 + 1500,
    });
  });
});

describe('UserTurnProcessor barge-in', () => {
  it('interrupts the agent once the caller has said min_words words over it', async () => {
    const t = setup(2);
    const out = await runFrames(
      t.p,
      [t.bot(true), t.start(), { advance: 100 }, t.interim('wait'), t.interim('wait stop')],
      {
        clock: t.clock,
      },
    );
    const interruption = out.downstream.filter((f) => f.type === 'interruption');
    expect(interruption).toHaveLength(1);
    expect(interruption[0]).toMatchObject({ at: 100 }); // on the second word, before the 200 ms duration rule
  });

  it('interrupts after the minimum speech duration even before any words', async () => {
    const t = setup(5);
    const out = await runFrames(t.p, [t.bot(true), t.start(), { advance: 199 }], { clock: t.clock });
    expect(types(out.downstream)).not.toContain('interruption');
    const more = await runFrames(t.p, [{ advance: 1 }], { clock: t.clock });
    expect(more.downstream.find((f) => f.type === 'interruption')).toMatchObject({ at: 200 });
  });

  it('counts the minimum speech from the onset the VAD reports, not from its decision', async () => {
    // The VAD decides at 150 ms that speech began at 0: 50 ms more make the 200 ms, not 200.
    const t = setup(5);
    const out = await runFrames(t.p, [t.bot(true), { advance: 150 }, t.start(0), { advance: 49 }], {
      clock: t.clock,
    });
    expect(types(out.downstream)).not.toContain('interruption');
    const more = await runFrames(t.p, [{ advance: 1 }], { clock: t.clock });
    expect(more.downstream.find((f) => f.type === 'interruption')).toMatchObject({ at: 200 });
  });

  it('cuts at the VAD decision when its onset delay already covers the minimum speech', async () => {
    const clock = new VirtualClock();
    const p = new UserTurnProcessor({ clock, interruptions: { enabled: true, min_words: 5 }, bargeInMinSpeechMs: 100 });
    const out = await runFrames(
      p,
      [frame('bot.started_speaking', { turn: 1, at: 0 }), { advance: 150 }, frame('user.started_speaking', { at: 0 })],
      { clock },
    );
    const kinds = types(out.downstream);
    // Cut at once (150 ms after the onset), ahead of the start frame it lets through.
    expect(out.downstream.find((f) => f.type === 'interruption')).toMatchObject({ at: 150 });
    expect(kinds.indexOf('interruption')).toBeLessThan(kinds.indexOf('user.started_speaking'));
  });

  it('does not let a sound shorter than the minimum speech interrupt, even counted from its onset', async () => {
    const clock = new VirtualClock();
    const p = new UserTurnProcessor({ clock, interruptions: { enabled: true, min_words: 5 }, bargeInMinSpeechMs: 200 });
    const out = await runFrames(
      p,
      [
        frame('bot.started_speaking', { turn: 1, at: 0 }),
        { advance: 150 },
        frame('user.started_speaking', { at: 0 }),
        { advance: 30 },
        frame('user.stopped_speaking', { at: 180 }),
        { advance: 1000 },
      ],
      { clock },
    );
    expect(types(out.downstream)).not.toContain('interruption');
  });

  it('ignores a short backchannel while the agent speaks: no interruption and no turn', async () => {
    const t = setup(2);
    const out = await runFrames(
      t.p,
      [t.bot(true), t.start(0), { advance: 120 }, t.stop(120), t.final('mm-hm', true, 120), { advance: 2000 }],
      { clock: t.clock },
    );
    expect(types(out.downstream)).not.toContain('interruption');
    expect(types(out.downstream)).not.toContain('user.turn');
  });

  it('does not interrupt when interruptions are disabled', async () => {
    const clock = new VirtualClock();
    const p = new UserTurnProcessor({ clock, interruptions: { enabled: false, min_words: 1 } });
    const out = await runFrames(
      p,
      [
        frame('bot.started_speaking', { turn: 1, at: 0 }),
        frame('user.started_speaking', { at: 0 }),
        frame('transcript.interim', { text: 'hello hello hello', confidence: 1, at: 0 }),
        { advance: 1000 },
      ],
      { clock },
    );
    expect(types(out.downstream)).not.toContain('interruption');
  });
});
