import { describe, expect, it } from 'vitest';
import { SpeechGate } from './speech-gate.js';
import type { VadEvent } from './vad.js';

function run(probabilities: number[], options: { minSpeechMs?: number; minSilenceMs?: number } = {}): VadEvent[] {
  const events: VadEvent[] = [];
  const gate = new SpeechGate({ ...options, emit: (e) => events.push(e) });
  for (const [i, p] of probabilities.entries()) gate.update(p, 20, i * 20);
  return events;
}

const repeat = (p: number, n: number) => Array<number>(n).fill(p);

describe('SpeechGate', () => {
  it('starts after minSpeechMs of speech, dated from its first frame, and ends after minSilenceMs, dated from the silence', () => {
    const events = run([...repeat(0, 5), ...repeat(0.9, 20), ...repeat(0.05, 20)]);
    expect(events).toEqual([
      { type: 'speech_start', at: 100 },
      { type: 'speech_end', at: 500 },
    ]);
  });

  it('ignores a burst shorter than minSpeechMs (a cough) and a pause shorter than minSilenceMs', () => {
    expect(run([...repeat(0.9, 7), ...repeat(0, 30)])).toEqual([]);
    const events = run([...repeat(0.9, 10), ...repeat(0, 10), ...repeat(0.9, 10), ...repeat(0, 20)]);
    expect(events).toEqual([
      { type: 'speech_start', at: 0 },
      { type: 'speech_end', at: 600 },
    ]);
  });

  it('keeps speaking while the probability hovers between the end threshold (0.35) and the start threshold', () => {
    const events = run([...repeat(0.9, 10), ...repeat(0.4, 40)]);
    expect(events).toEqual([{ type: 'speech_start', at: 0 }]);
    // …but 0.4 never starts speech on its own.
    expect(run(repeat(0.4, 50))).toEqual([]);
  });

  it('honours custom durations', () => {
    expect(run([...repeat(0.9, 3), ...repeat(0, 3)], { minSpeechMs: 60, minSilenceMs: 60 })).toEqual([
      { type: 'speech_start', at: 0 },
      { type: 'speech_end', at: 60 },
    ]);
  });
});
