import { describe, expect, it } from 'vitest';
import type { ProviderError } from '../../errors.js';
import { VirtualClock } from '../../pipeline/clocks.js';
import type { SpeechMark } from '../../pipeline/speech-mark.js';
import { fakeProviderError } from './fake-failure.js';
import { FakeLlm } from './fake-llm.js';
import { FakeRealtime } from './fake-realtime.js';
import { FakeStt } from './fake-stt.js';
import { FakeTts } from './fake-tts.js';

/** Reads an iterator to its end on a virtual clock, recording each item with the time it arrived. */
async function collect<T>(
  clock: VirtualClock,
  iterable: AsyncIterable<T>,
): Promise<{ items: [number, T][]; error?: unknown }> {
  const items: [number, T][] = [];
  let error: unknown;
  let done = false;
  const reading = (async () => {
    try {
      for await (const item of iterable) items.push([clock.now(), item]);
    } catch (e) {
      error = e;
    } finally {
      done = true;
    }
  })();
  await clock.run({ until: () => done });
  await reading;
  return { items, error };
}

describe('FakeStt', () => {
  it('yields each scripted final latencyMs after its flush and records what it was sent', async () => {
    const clock = new VirtualClock();
    const stt = new FakeStt({ clock, transcripts: ['yes please', 'goodbye'], latencyMs: 120, interim: false });
    const session = stt.stream({ language: 'en-US', sampleRate: 16000 });
    const mark: SpeechMark = { utteranceId: 'u1', text: 'yes', words: [], offsetMs: 0, durationMs: 40 };
    session.pushAudio(new Int16Array(320), mark);
    session.pushAudio(new Int16Array(320), { ...mark, offsetMs: 20 });
    session.flush();
    clock.setTimer(500, () => {
      session.flush();
      session.endInput();
    });
    const { items } = await collect(clock, session);
    expect(items.map(([at, e]) => [at, e.type === 'final' ? e.text : e.type])).toEqual([
      [120, 'yes please'],
      [620, 'goodbye'],
    ]);
    expect(session.pushedFrames).toBe(2);
    expect(session.pushedSamples).toBe(640);
    expect(session.pushedMarks.map((m) => m.utteranceId)).toEqual(['u1']);
    expect(session.flushes).toBe(2);
  });

  it('fails at connect with the injected error, and only the sessions told to', async () => {
    const clock = new VirtualClock();
    const error = fakeProviderError('fake.stt', { status: 503 });
    const stt = new FakeStt({ clock, connectMs: 50, fail: [{ at: 'connect', error }, null] });
    const first = await collect(clock, stt.stream({ language: 'en', sampleRate: 16000 }));
    expect(first.error).toBe(error);
    expect((first.error as ProviderError).retryable).toBe(true);
    expect(clock.now()).toBe(50);
    const second = stt.stream({ language: 'en', sampleRate: 16000 });
    second.say('hello there');
    second.endInput();
    const ok = await collect(clock, second);
    expect(ok.error).toBeUndefined();
    expect(ok.items.map(([, e]) => e.type)).toEqual(['speech_started', 'interim', 'interim', 'final']);
  });

  it('fails mid-stream after the given number of events', async () => {
    const clock = new VirtualClock();
    const error = fakeProviderError('fake.stt', { status: 400 });
    const stt = new FakeStt({ clock, fail: { at: 'mid_stream', afterEvents: 2, error } });
    const session = stt.stream({ language: 'en', sampleRate: 16000 });
    session.say('one two three');
    const { items, error: thrown } = await collect(clock, session);
    expect(items).toHaveLength(2);
    expect(thrown).toBe(error);
    expect((thrown as ProviderError).retryable).toBe(false);
  });

  it('ends at once when aborted, dropping what was pending', async () => {
    const clock = new VirtualClock();
    const stt = new FakeStt({ clock, transcripts: ['late'], latencyMs: 1000 });
    const controller = new AbortController();
    const session = stt.stream({ language: 'en', sampleRate: 16000, signal: controller.signal });
    session.flush();
    clock.setTimer(10, () => controller.abort());
    const { items, error } = await collect(clock, session);
    expect(error).toBeUndefined();
    expect(items.map(([, e]) => e.type)).toEqual(['speech_started', 'interim']);
    expect(session.aborted).toBe(true);
    expect(clock.now()).toBe(10);
  });
});

describe('FakeLlm', () => {
  it('streams the scripted text word by word after the first-token latency, then tool calls and done', async () => {
    const clock = new VirtualClock();
    const llm = new FakeLlm({
      clock,
      firstTokenMs: 300,
      tokenIntervalMs: 10,
      responses: [{ text: 'Hello there, friend.', toolCalls: [{ name: 'end_call', arguments: { reason: 'done' } }] }],
    });
    const context = { messages: [{ role: 'user' as const, content: 'hi' }], tools: [] };
    const { items } = await collect(clock, llm.stream(context, {}));
    expect(items.map(([at, d]) => [at, d.type === 'text' ? d.text : d.type])).toEqual([
      [300, 'Hello '],
      [310, 'there, '],
      [320, 'friend.'],
      [330, 'tool_call'],
      [340, 'done'],
    ]);
    const call = items[3]?.[1];
    expect(call?.type === 'tool_call' && JSON.parse(call.call.arguments)).toEqual({ reason: 'done' });
    expect(llm.requests[0]?.context).toBe(context);
    expect(llm.requests[0]?.completed).toBe(true);
  });

  it('throws injected errors at connect and mid-stream, and stops quietly on abort', async () => {
    const clock = new VirtualClock();
    const error = fakeProviderError('fake.llm', { status: 429 });
    const llm = new FakeLlm({
      clock,
      firstTokenMs: 100,
      responses: [{ text: 'a b c d' }],
      fail: [
        { at: 'connect', error },
        { at: 'mid_stream', afterEvents: 2, error },
      ],
    });
    const context = { messages: [], tools: [] };
    expect((await collect(clock, llm.stream(context, {}))).error).toBe(error);
    const mid = await collect(clock, llm.stream(context, {}));
    expect(mid.items).toHaveLength(2);
    expect(mid.error).toBe(error);
    const controller = new AbortController();
    clock.setTimer(50, () => controller.abort());
    const aborted = await collect(clock, llm.stream(context, { signal: controller.signal }));
    expect(aborted.error).toBeUndefined();
    expect(aborted.items).toHaveLength(0);
    expect(llm.requests[2]?.aborted).toBe(true);
  });
});

describe('FakeTts', () => {
  it('yields tone audio proportional to each segment, first byte firstByteMs after the flush', async () => {
    const clock = new VirtualClock();
    const tts = new FakeTts({ clock, firstByteMs: 80, msPerChar: 60, chunkMs: 100 });
    const session = tts.stream({ language: 'en-US', sampleRate: 16000 });
    session.pushText('Hello');
    session.pushText(' there.');
    session.flush();
    session.pushText('Bye.');
    session.endInput();
    const { items } = await collect(clock, session);
    const audio = items.filter(([, c]) => c.type === 'audio');
    expect(audio[0]?.[0]).toBe(80);
    const samples = (segment: number) =>
      audio.reduce((n, [, c]) => n + (c.type === 'audio' && c.segment === segment ? c.pcm.length : 0), 0);
    expect(samples(0)).toBe(12 * 60 * 16); // 'Hello there.' = 12 chars × 60 ms × 16 samples/ms
    expect(samples(1)).toBe(4 * 60 * 16);
    const first = audio[0]?.[1];
    expect(first?.type === 'audio' && Math.max(...first.pcm)).toBeGreaterThan(500);
    expect(
      items.filter(([, c]) => c.type === 'segment_end').map(([, c]) => c.type === 'segment_end' && c.text),
    ).toEqual(['Hello there.', 'Bye.']);
    expect(session.pushedText).toBe('Hello there.Bye.');
    expect(session.segments).toEqual(['Hello there.', 'Bye.']);
  });

  it('fails mid-stream after the given number of chunks', async () => {
    const clock = new VirtualClock();
    const error = fakeProviderError('fake.tts', { status: 500 });
    const tts = new FakeTts({ clock, fail: { at: 'mid_stream', afterEvents: 3, error } });
    const session = tts.stream({ language: 'en', sampleRate: 8000 });
    session.pushText('A long enough sentence.');
    session.endInput();
    const result = await collect(clock, session);
    expect(result.items).toHaveLength(3);
    expect(result.error).toBe(error);
  });
});

describe('FakeRealtime', () => {
  it('answers a user turn with transcript, audio and tool calls, and drops the rest of an interrupted response', async () => {
    const clock = new VirtualClock();
    const rt = new FakeRealtime({
      clock,
      firstAudioMs: 200,
      responses: [{ text: 'Sure.', toolCalls: [{ name: 'end_call' }] }, { text: 'Never heard.' }],
    });
    const session = rt.stream({ model: 'm', voice: 'v', instructions: '', tools: [], sampleRate: 24000 });
    session.userSays('Can you help?');
    clock.setTimer(300, () => {
      session.sendText('go on', { role: 'user', respond: true });
      session.interrupt(0);
      session.close();
    });
    session.pushAudio(new Int16Array(480));
    const { items } = await collect(clock, session);
    const types = items.map(([, e]) => e.type);
    expect(types.slice(0, 3)).toEqual(['speech_started', 'speech_stopped', 'transcript']);
    expect(types).toContain('tool_call');
    expect(items.some(([, e]) => e.type === 'transcript' && e.text === 'Never heard.')).toBe(false);
    expect(session.texts).toEqual([{ text: 'go on', role: 'user', respond: true }]);
    expect(session.interrupts).toEqual([0]);
    expect(session.pushedSamples).toBe(480);
  });
});
