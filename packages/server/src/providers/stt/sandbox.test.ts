import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../pipeline/clocks.js';
import type { SpeechMark, TimedWord } from '../../pipeline/speech-mark.js';
import { SandboxStt } from './sandbox.js';
import type { SttEvent } from './stt.js';

/** A callee line: 300 ms per word (250 spoken, 50 pause), as the sandbox carrier times it. */
function line(
  utteranceId: string,
  text: string,
): { words: TimedWord[]; durationMs: number; text: string; utteranceId: string } {
  const words = text
    .replace(/[.,!?]/g, '')
    .split(' ')
    .map((w, i) => ({ text: w, startMs: i * 300, endMs: i * 300 + 250 }));
  return { utteranceId, text, words, durationMs: words.length * 300 - 50 };
}

/**
 * Plays frames into a session on the clock, one 20 ms frame every 20 ms: `silenceMs` of unmarked
 * frames, then the line's frames (cut after `cutMs` when given), then silence until `totalMs`.
 */
function play(
  clock: VirtualClock,
  push: (pcm: Int16Array, mark?: SpeechMark) => void,
  plan: { silenceMs: number; utterance: ReturnType<typeof line>; cutMs?: number }[],
): number {
  const pcm = new Int16Array(320);
  let t = 0;
  for (const { silenceMs, utterance, cutMs } of plan) {
    for (let s = 0; s < silenceMs; s += 20, t += 20) clock.setTimer(t + 20, () => push(pcm));
    const until = Math.min(utterance.durationMs, cutMs ?? Number.POSITIVE_INFINITY);
    for (let offset = 0; offset < until; offset += 20, t += 20) {
      const mark: SpeechMark = { ...utterance, offsetMs: offset };
      clock.setTimer(t + 20, () => push(pcm, mark));
    }
  }
  return t;
}

async function runSession(
  clock: VirtualClock,
  options: ConstructorParameters<typeof SandboxStt>[0],
  plan: Parameters<typeof play>[2],
) {
  const stt = new SandboxStt(options);
  const session = stt.stream({ language: 'en-US', sampleRate: 16000 });
  const end = play(clock, (pcm, mark) => session.pushAudio(pcm, mark), plan);
  clock.setTimer(end + 1000, () => session.endInput());
  const events: SttEvent[] = [];
  let done = false;
  const reading = (async () => {
    for await (const e of session) events.push(e);
    done = true;
  })();
  await clock.run({ until: () => done });
  await reading;
  return events;
}

describe('SandboxStt', () => {
  it('emits speech_started, interims of the words already spoken, and a final a fixed delay after the last frame', async () => {
    const clock = new VirtualClock();
    const utterance = line('u1', 'Yes, tomorrow afternoon works for me.');
    const events = await runSession(clock, { clock, finalDelayMs: 200 }, [{ silenceMs: 1000, utterance }]);
    expect(events[0]).toEqual({ type: 'speech_started', at: 1020 });
    const interims = events.filter((e) => e.type === 'interim').map((e) => e.type === 'interim' && e.text);
    expect(interims[0]).toBe('Yes');
    expect(interims.at(-1)).toBe('Yes tomorrow afternoon works for');
    // Each interim only grows.
    for (let i = 1; i < interims.length; i++)
      expect(String(interims[i]).startsWith(String(interims[i - 1]))).toBe(true);
    const final = events.find((e) => e.type === 'final');
    // Last frame ends at 1000 + 1760 ms of speech; the final comes 200 ms later.
    const lastFrameAt = 1000 + Math.ceil(utterance.durationMs / 20) * 20;
    expect(final).toMatchObject({
      text: 'Yes, tomorrow afternoon works for me.',
      endOfUtterance: true,
      at: lastFrameAt + 200,
    });
    // Word timings count the session's audio: the line starts after 1000 ms of silence.
    expect(final?.type === 'final' && final.words?.[1]).toEqual({ text: 'tomorrow', startMs: 1300, endMs: 1550 });
    expect(events.at(-1)?.type).toBe('speech_ended');
  });

  it('picks a deterministic final delay in 150–300 ms per utterance', async () => {
    const delays: number[] = [];
    for (const run of [0, 1]) {
      const clock = new VirtualClock();
      const a = line(`utt_a`, 'Hello there.');
      const b = line(`utt_b`, 'Goodbye now.');
      const events = await runSession(clock, { clock }, [
        { silenceMs: 0, utterance: a },
        { silenceMs: 500, utterance: b },
      ]);
      const finals = events.filter((e) => e.type === 'final').map((e) => e.at);
      const ends = [
        Math.ceil(a.durationMs / 20) * 20,
        Math.ceil(a.durationMs / 20) * 20 + 500 + Math.ceil(b.durationMs / 20) * 20,
      ];
      const d = finals.map((at, i) => at - (ends[i] as number));
      if (run === 1) expect(d).toEqual(delays);
      delays.splice(0, delays.length, ...d);
    }
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(150);
      expect(d).toBeLessThanOrEqual(300);
    }
  });

  it('finalises a callee cut off mid-line with the words mostly spoken, after the gap', async () => {
    const clock = new VirtualClock();
    const utterance = line('u1', 'I was going to say something longer');
    const events = await runSession(clock, { clock, finalDelayMs: 150, gapMs: 100 }, [
      { silenceMs: 0, utterance, cutMs: 760 },
    ]);
    const final = events.find((e) => e.type === 'final');
    // Heard 0–760 ms: "I" (0–250), "was" (300–550) and "going" (600–850, midpoint 725) were said.
    expect(final).toMatchObject({ text: 'I was going', endOfUtterance: true, at: 760 + 100 + 150 });
  });

  it('on flush, finalises the words heard so far and continues the line afterwards', async () => {
    const clock = new VirtualClock();
    const stt = new SandboxStt({ clock, finalDelayMs: 0 });
    const session = stt.stream({ language: 'en-US', sampleRate: 8000 });
    const utterance = line('u1', 'one two three four');
    const pcm = new Int16Array(160);
    for (let offset = 0; offset < utterance.durationMs; offset += 20)
      clock.setTimer(offset + 20, () => session.pushAudio(pcm, { ...utterance, offsetMs: offset }));
    clock.setTimer(600, () => session.flush());
    clock.setTimer(3000, () => session.endInput());
    const finals: string[] = [];
    let done = false;
    void (async () => {
      for await (const e of session) if (e.type === 'final') finals.push(`${e.text}|${e.endOfUtterance}`);
      done = true;
    })();
    await clock.run({ until: () => done });
    expect(finals).toEqual(['one two|false', 'three four|true']);
  });

  it('hears nothing in frames without marks', async () => {
    const clock = new VirtualClock();
    const stt = new SandboxStt({ clock });
    const session = stt.stream({ language: 'en-US', sampleRate: 16000 });
    for (let i = 0; i < 50; i++) session.pushAudio(new Int16Array(320).fill(8000));
    session.endInput();
    const events: SttEvent[] = [];
    let done = false;
    void (async () => {
      for await (const e of session) events.push(e);
      done = true;
    })();
    await clock.run({ until: () => done });
    expect(events).toEqual([]);
  });
});
