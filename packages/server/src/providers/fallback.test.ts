import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../pipeline/clocks.js';
import type { SpeechMark } from '../pipeline/speech-mark.js';
import { type FallbackEvent, withFallback } from './fallback.js';
import type { SttEvent } from './stt/stt.js';
import { fakeProviderError } from './testing/fake-failure.js';
import { FakeLlm } from './testing/fake-llm.js';
import { FakeStt } from './testing/fake-stt.js';
import { FakeTts } from './testing/fake-tts.js';
import type { TtsChunk } from './tts/tts.js';

async function drain<T>(clock: VirtualClock, iterable: AsyncIterable<T>): Promise<{ items: T[]; error?: unknown }> {
  const items: T[] = [];
  let error: unknown;
  let done = false;
  const reading = (async () => {
    try {
      for await (const item of iterable) items.push(item);
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

const frame = (value: number) => new Int16Array(320).fill(value);

describe('withFallback (STT)', () => {
  it('hands over mid-stream: reopens the fallback, replays the audio since the last final, keeps feeding it', async () => {
    const clock = new VirtualClock();
    const broken = fakeProviderError('primary.stt', { status: 401 });
    const primary = new FakeStt({
      clock,
      label: 'primary.stt',
      fail: { at: 'mid_stream', afterEvents: 1, error: broken },
    });
    const fallback = new FakeStt({ clock, label: 'fallback.stt', transcripts: ['second line'], interim: false });
    const handovers: FallbackEvent[] = [];
    const stt = withFallback(primary, fallback, { clock, onFallback: (e) => handovers.push(e) });
    const session = stt.stream({ language: 'en-US', sampleRate: 16000 });
    const mark: SpeechMark = { utteranceId: 'u2', text: 'second line', words: [], offsetMs: 0, durationMs: 60 };
    const primarySession = primary.sessions[0]!;
    primarySession.emit({ type: 'final', text: 'first line', endOfUtterance: true });
    clock.setTimer(10, () => {
      session.pushAudio(frame(1), mark);
      session.pushAudio(frame(2), { ...mark, offsetMs: 20 });
      primarySession.emit({ type: 'interim', text: 'sec' }); // the primary fails here
    });
    clock.setTimer(20, () => {
      session.pushAudio(frame(3), { ...mark, offsetMs: 40 });
      session.flush();
      session.endInput();
    });
    const { items, error } = await drain(clock, session);
    expect(error).toBeUndefined();
    expect(items.map((e: SttEvent) => (e.type === 'final' ? e.text : e.type))).toEqual(['first line', 'second line']);
    expect(handovers).toEqual([
      { kind: 'stt', from: 'primary.stt', to: 'fallback.stt', error: broken, midStream: true },
    ]);
    const replacement = fallback.sessions[0]!;
    expect(replacement.pushedFrames).toBe(3);
    expect(replacement.pushedMarks.map((m) => m.utteranceId)).toEqual(['u2']);
  });

  it('retries a retryable connect failure on the same provider before handing over, and fails when nothing is left', async () => {
    const clock = new VirtualClock();
    const busy = fakeProviderError('only.stt', { status: 503 });
    const only = new FakeStt({ clock, label: 'only.stt', fail: { at: 'connect', error: busy } });
    const retries: number[] = [];
    const stt = withFallback(only, undefined, {
      clock,
      retry: { maxRetry: 2, retryIntervalMs: 100 },
      onRetry: (r) => retries.push(r.delayMs),
    });
    const { error } = await drain(clock, stt.stream({ language: 'en', sampleRate: 16000 }));
    expect(error).toBe(busy);
    expect(retries).toEqual([100, 200]);
    expect(only.sessions).toHaveLength(3);
  });
});

describe('withFallback (abort)', () => {
  it('aborting the wrapped session aborts the provider session and ends quietly', async () => {
    const clock = new VirtualClock();
    const primary = new FakeStt({ clock, transcripts: ['never'], latencyMs: 5000, interim: false });
    const tts = new FakeTts({ clock, firstByteMs: 5000 });
    const controller = new AbortController();
    const stt = withFallback(primary, undefined, { clock }).stream({
      language: 'en',
      sampleRate: 16000,
      signal: controller.signal,
    });
    const speech = withFallback(tts, undefined, { clock }).stream({
      language: 'en',
      sampleRate: 16000,
      signal: controller.signal,
    });
    stt.flush();
    speech.pushText('Hello.');
    speech.flush();
    clock.setTimer(100, () => controller.abort());
    const seen: unknown[] = [];
    let open = 2;
    for (const session of [stt, speech] as AsyncIterable<unknown>[])
      void (async () => {
        try {
          for await (const item of session) seen.push(item);
        } catch (error) {
          seen.push(error);
        } finally {
          open--;
        }
      })();
    await clock.run({ until: () => open === 0 });
    expect(seen).toEqual([]);
    expect(primary.sessions[0]?.aborted).toBe(true);
    expect(tts.sessions[0]?.aborted).toBe(true);
    expect(clock.now()).toBe(100);
  });
});

describe('withFallback (TTS)', () => {
  it('re-synthesises the unspoken text on the fallback, without repeating audio already yielded', async () => {
    const clock = new VirtualClock();
    const broken = fakeProviderError('primary.tts', { status: 400 });
    // 100 ms chunks at 8 kHz: the primary yields 2 chunks of segment 0, then fails.
    const primary = new FakeTts({
      clock,
      label: 'primary.tts',
      fail: { at: 'mid_stream', afterEvents: 2, error: broken },
    });
    const fallback = new FakeTts({ clock, label: 'fallback.tts' });
    const handovers: FallbackEvent[] = [];
    const tts = withFallback(primary, fallback, { clock, onFallback: (e) => handovers.push(e) });
    const session = tts.stream({ language: 'en-US', sampleRate: 8000 });
    session.pushText('Hello there.');
    session.flush();
    session.pushText(' How are you?');
    session.endInput();
    const { items, error } = await drain<TtsChunk>(clock, session);
    expect(error).toBeUndefined();
    const samples = (segment: number) =>
      items.reduce((n, c) => n + (c.type === 'audio' && c.segment === segment ? c.pcm.length : 0), 0);
    expect(samples(0)).toBe(primary.samplesFor('Hello there.', 8000));
    expect(samples(1)).toBe(primary.samplesFor(' How are you?', 8000));
    expect(items.filter((c) => c.type === 'segment_end')).toEqual([
      { type: 'segment_end', segment: 0, text: 'Hello there.' },
      { type: 'segment_end', segment: 1, text: ' How are you?' },
    ]);
    expect(fallback.sessions[0]?.segments).toEqual(['Hello there.', ' How are you?']);
    expect(handovers[0]).toMatchObject({ from: 'primary.tts', to: 'fallback.tts', midStream: true });
  });

  it('treats a stalled synthesis as a failure after timeoutMs', async () => {
    const clock = new VirtualClock();
    const slow = new FakeTts({ clock, label: 'slow.tts', firstByteMs: 60_000 });
    const quick = new FakeTts({ clock, label: 'quick.tts', firstByteMs: 50 });
    const handovers: FallbackEvent[] = [];
    const tts = withFallback(slow, quick, {
      clock,
      retry: { maxRetry: 0, timeoutMs: 2000 },
      onFallback: (e) => handovers.push(e),
    });
    const session = tts.stream({ language: 'en', sampleRate: 16000 });
    session.pushText('Hi.');
    session.endInput();
    const { items, error } = await drain<TtsChunk>(clock, session);
    expect(error).toBeUndefined();
    expect(items.some((c) => c.type === 'audio')).toBe(true);
    expect(handovers[0]?.error.message).toContain('within 2000 ms');
    expect(clock.now()).toBe(2050);
  });
});

describe('withFallback (LLM)', () => {
  it('re-runs the same context on the fallback and does not repeat text already yielded', async () => {
    const clock = new VirtualClock();
    const broken = fakeProviderError('primary.llm', { status: 500 });
    const primary = new FakeLlm({
      clock,
      label: 'primary.llm',
      responses: [{ text: 'Your appointment is on Tuesday.' }],
      fail: { at: 'mid_stream', afterEvents: 2, error: broken },
    });
    const fallback = new FakeLlm({
      clock,
      label: 'fallback.llm',
      responses: [{ text: 'Your appointment is on Tuesday.' }],
    });
    const handovers: FallbackEvent[] = [];
    const llm = withFallback(primary, fallback, {
      clock,
      retry: { maxRetry: 0 },
      onFallback: (e) => handovers.push(e),
    });
    const context = { messages: [{ role: 'user' as const, content: 'When?' }], tools: [] };
    const { items, error } = await drain(clock, llm.stream(context, {}));
    expect(error).toBeUndefined();
    expect(items.map((d) => (d.type === 'text' ? d.text : '')).join('')).toBe('Your appointment is on Tuesday.');
    expect(fallback.requests[0]?.context).toBe(context);
    expect(handovers).toMatchObject([{ kind: 'llm', midStream: true }]);
  });

  it('throws the primary error when there is no fallback and the error is not retryable', async () => {
    const clock = new VirtualClock();
    const broken = fakeProviderError('primary.llm', { status: 403 });
    const primary = new FakeLlm({ clock, label: 'primary.llm', fail: { at: 'connect', error: broken } });
    const { error } = await drain(
      clock,
      withFallback(primary, undefined, { clock }).stream({ messages: [], tools: [] }, {}),
    );
    expect(error).toBe(broken);
    expect(primary.requests).toHaveLength(1);
  });
});
