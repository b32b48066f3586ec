import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../pipeline/clocks.js';
import { OpenAiRealtime, type OpenAiRealtimeOptions, type OpenAiRealtimeSession } from './openai.js';
import type { RealtimeEvent, RealtimeStreamOptions } from './realtime.js';
import { OpenAiRealtimeStandin, type RealtimeStandinOptions } from './testing/openai-realtime-standin.js';

let standin: OpenAiRealtimeStandin;
let url: string;

async function start(options: RealtimeStandinOptions = {}) {
  standin = new OpenAiRealtimeStandin(options);
  url = await standin.start();
}

afterEach(async () => {
  await standin?.stop();
});

const TOOL = {
  name: 'book_slot',
  description: 'Books a slot',
  parameters: { type: 'object', properties: { day: { type: 'string' } } },
};

function open(options: Partial<OpenAiRealtimeOptions> = {}, stream: Partial<RealtimeStreamOptions> = {}) {
  const provider = new OpenAiRealtime({
    apiKey: 'sk-test',
    clock: new RealClock(),
    baseUrl: url,
    connect: { retryIntervalMs: 5, maxRetry: 2, timeoutMs: 2000 },
    ...options,
  });
  return provider.stream({
    model: 'gpt-realtime',
    voice: 'marin',
    instructions: 'Be brief.',
    tools: [TOOL],
    sampleRate: 24000,
    ...stream,
  });
}

/** Reads events in the background; `until` waits for one matching. */
function reader(session: OpenAiRealtimeSession) {
  const events: RealtimeEvent[] = [];
  let failure: unknown;
  const done = (async () => {
    try {
      for await (const e of session) events.push(e);
    } catch (e) {
      failure = e;
    }
  })();
  const until = async (check: (events: RealtimeEvent[]) => boolean, ms = 3000) => {
    const startAt = Date.now();
    while (!check(events)) {
      if (failure) throw failure;
      if (Date.now() - startAt > ms) throw new Error(`timed out; got ${events.map((e) => e.type).join(',')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { events, done, until, failure: () => failure };
}

function speak(session: OpenAiRealtimeSession, rate: number, speechMs: number, silenceMs: number) {
  const frame = rate / 50;
  const loud = new Int16Array(frame).fill(3000);
  const quiet = new Int16Array(frame);
  for (let t = 0; t < speechMs; t += 20) session.pushAudio(loud);
  for (let t = 0; t < silenceMs; t += 20) session.pushAudio(quiet);
}

describe('OpenAiRealtime against the OpenAI Realtime stand-in', () => {
  it('configures the session, hears a turn by server VAD and answers with audio, transcripts and usage', async () => {
    await start({ responses: [{ text: 'Sure, Tuesday works.' }], userTranscripts: ['Can we meet Tuesday?'] });
    const session = open();
    const r = reader(session);
    speak(session, 24000, 400, 600);
    await r.until((e) => e.some((x) => x.type === 'response_done'));
    session.close();
    await r.done;
    const types = r.events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['speech_started', 'speech_stopped', 'transcript']);
    expect(r.events[2]).toEqual({ type: 'transcript', role: 'user', text: 'Can we meet Tuesday?', final: true });
    const agent = r.events.filter((e) => e.type === 'transcript' && e.role === 'agent');
    expect(agent.at(-1)).toMatchObject({ text: 'Sure, Tuesday works.', final: true });
    expect(agent[0]).toMatchObject({ text: 'Sure,', final: false });
    // 20 characters × 20 ms at 24 kHz.
    const samples = r.events.reduce((n, e) => n + (e.type === 'audio' ? e.pcm.length : 0), 0);
    expect(samples).toBe(20 * 20 * 24);
    expect(r.events.at(-1)).toMatchObject({ type: 'response_done', usage: { inputTokens: 100, inputAudioTokens: 60 } });
    const c = standin.connections[0];
    expect(c?.query.get('model')).toBe('gpt-realtime');
    expect(c?.authorization).toBe('Bearer sk-test');
    expect(c?.session).toMatchObject({
      type: 'realtime',
      instructions: 'Be brief.',
      audio: {
        input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'server_vad' } },
        output: { voice: 'marin' },
      },
      tools: [{ type: 'function', name: 'book_slot' }],
    });
    expect(c?.appendedBytes).toBe(1000 * 48);
  });

  it('relays a tool call and continues the response after the tool result', async () => {
    await start({ responses: [{ call: { name: 'book_slot', arguments: { day: 'tuesday' } } }, { text: 'Booked.' }] });
    const session = open();
    const r = reader(session);
    session.sendText('Book me on Tuesday.', { role: 'user', respond: true });
    await r.until((e) => e.some((x) => x.type === 'tool_call'));
    const call = r.events.find((e) => e.type === 'tool_call');
    expect(call).toMatchObject({ name: 'book_slot', arguments: '{"day":"tuesday"}' });
    session.sendToolResult(call?.type === 'tool_call' ? call.callId : '', '{"ok":true}');
    await r.until((e) => e.some((x) => x.type === 'transcript' && x.final && x.text === 'Booked.'));
    session.close();
    await r.done;
    const received = standin.connections[0]?.received.map((e) => e.type);
    expect(received).toEqual([
      'session.update',
      'conversation.item.create',
      'response.create',
      'conversation.item.create',
      'response.create',
    ]);
    expect(standin.connections[0]?.received[3]).toMatchObject({
      item: { type: 'function_call_output', output: '{"ok":true}' },
    });
  });

  it('barge-in cancels the response and truncates the item at what was played', async () => {
    await start({
      responses: [{ text: 'This is a rather long answer that the caller will interrupt midway.' }],
      deltaGapMs: 10,
    });
    const session = open();
    const r = reader(session);
    session.sendText('Tell me everything.', { role: 'user', respond: true });
    await r.until((e) => e.filter((x) => x.type === 'audio').length >= 3);
    session.interrupt(150);
    const audioAtInterrupt = r.events.filter((e) => e.type === 'audio').length;
    await r.until((e) => e.some((x) => x.type === 'response_done'));
    session.close();
    await r.done;
    expect(r.events.filter((e) => e.type === 'audio').length).toBe(audioAtInterrupt);
    const received = standin.connections[0]?.received ?? [];
    expect(received.map((e) => e.type)).toContain('response.cancel');
    expect(received.find((e) => e.type === 'conversation.item.truncate')).toMatchObject({
      content_index: 0,
      audio_end_ms: 150,
    });
    expect(session.errors).toEqual([]);
    expect(r.events.some((e) => e.type === 'transcript' && e.role === 'agent' && e.final)).toBe(false);
  });

  it('clamps the truncation to the audio received (OpenAI rejects a truncate past it)', async () => {
    await start({ responses: [{ text: 'Short one, then more.' }], deltaGapMs: 10 });
    const session = open();
    const r = reader(session);
    session.sendText('Hi', { role: 'user', respond: true });
    await r.until((e) => e.filter((x) => x.type === 'audio').length >= 1);
    session.interrupt(60_000);
    await r.until((e) => e.some((x) => x.type === 'response_done'));
    session.close();
    await r.done;
    const truncate = standin.connections[0]?.received.find((e) => e.type === 'conversation.item.truncate');
    expect(Number(truncate?.audio_end_ms)).toBeLessThanOrEqual(1000);
    expect(session.errors).toEqual([]);
  });

  it('speaks G.711 μ-law at 8 kHz, decoded to PCM16', async () => {
    await start({ responses: [{ text: 'Hi.' }] });
    const session = open({}, { sampleRate: 8000, options: { turn_detection: 'none' } });
    const r = reader(session);
    speak(session, 8000, 100, 0);
    session.sendText('Hello?', { role: 'user', respond: true });
    await r.until((e) => e.some((x) => x.type === 'response_done'));
    session.close();
    await r.done;
    const c = standin.connections[0];
    expect(c?.session).toMatchObject({ audio: { input: { format: { type: 'audio/pcmu' }, turn_detection: null } } });
    expect(c?.appendedBytes).toBe(800);
    const samples = r.events.reduce((n, e) => n + (e.type === 'audio' ? e.pcm.length : 0), 0);
    expect(samples).toBe(3 * 20 * 8);
    expect(r.events.some((e) => e.type === 'speech_started')).toBe(false);
  });

  it('aborting closes the socket at once', async () => {
    await start({ responses: [{ text: 'A long answer that never ends in this test at all.' }], deltaGapMs: 20 });
    const controller = new AbortController();
    const session = open({}, { signal: controller.signal });
    const r = reader(session);
    session.sendText('Go', { role: 'user', respond: true });
    await r.until((e) => e.some((x) => x.type === 'audio'));
    controller.abort();
    await r.done;
    expect(r.failure()).toBeUndefined();
    const socket = standin.connections[0]?.socket;
    while (socket?.readyState !== socket?.CLOSED) await new Promise((res) => setTimeout(res, 5));
  });
});

describe('OpenAiRealtime failures', () => {
  it('401 is not retried; 429 with Retry-After and 5xx are retried until the socket opens', async () => {
    await start();
    const bad = reader(open({ apiKey: 'wrong' }));
    await bad.done;
    expect(bad.failure()).toMatchObject({ status: 401, retryable: false, provider: 'openai.realtime' });

    standin.refuse.push({ status: 429, retryAfter: '0' }, { status: 500 });
    const session = open();
    const r = reader(session);
    session.sendText('Hi', { role: 'user', respond: true });
    await r.until((e) => e.some((x) => x.type === 'response_done'));
    session.close();
    await r.done;
    expect(standin.refuse).toHaveLength(0);
  });

  it('5xx on every attempt ends the session with the retryable error', async () => {
    await start();
    standin.refuse.push({ status: 502 }, { status: 503 }, { status: 500 });
    const r = reader(open());
    await r.done;
    expect(r.failure()).toMatchObject({ status: 500, retryable: true });
  });

  it('a dropped socket ends the session with a retryable error', async () => {
    await start({ responses: [{ text: 'Talking and talking and talking.' }], deltaGapMs: 10 });
    const session = open();
    const r = reader(session);
    session.sendText('Go', { role: 'user', respond: true });
    await r.until((e) => e.some((x) => x.type === 'audio'));
    standin.connections[0]?.socket.terminate();
    await r.done;
    expect(r.failure()).toMatchObject({ retryable: true, provider: 'openai.realtime' });
  });
});
