import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import { RealClock } from '../../pipeline/clocks.js';
import { openWebSocket } from '../websocket.js';
import { DeepgramStt, type DeepgramSttOptions } from './deepgram.js';
import type { SttEvent } from './stt.js';
import { DeepgramStandin } from './testing/deepgram-standin.js';

const RATE = 16000;
const FRAME = 320;
const speech = new Int16Array(FRAME).map((_, i) => (i % 2 ? 3000 : -3000));
const silence = new Int16Array(FRAME);

let standin: DeepgramStandin;
let url: string;

async function startStandin(options: ConstructorParameters<typeof DeepgramStandin>[0] = {}) {
  standin = new DeepgramStandin(options);
  url = await standin.start();
}

afterEach(async () => {
  await standin?.stop();
});

function stt(options: Partial<DeepgramSttOptions> = {}) {
  return new DeepgramStt({
    apiKey: 'dg-test-key',
    clock: new RealClock(),
    baseUrl: url,
    reconnect: { retryIntervalMs: 10, maxRetry: 2, timeoutMs: 2000 },
    ...options,
  });
}

/** Pushes `ms` of speech or silence, as 20 ms frames. */
function push(session: { pushAudio(pcm: Int16Array): void }, kind: 'speech' | 'silence', ms: number) {
  for (let t = 0; t < ms; t += 20) session.pushAudio(kind === 'speech' ? speech : silence);
}

async function collect(iterable: AsyncIterable<SttEvent>): Promise<SttEvent[]> {
  const events: SttEvent[] = [];
  for await (const e of iterable) events.push(e);
  return events;
}

const until = async (check: () => boolean, ms = 2000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('DeepgramStt against the Deepgram stand-in', () => {
  beforeEach(async () => {
    await startStandin({ transcripts: ['Hello there, friend.', 'Second line'] });
  });

  it('streams interims, a final with word timings, speech start and utterance end', async () => {
    const session = stt().stream({ language: 'en-US', sampleRate: RATE, options: { endpointing: 300 } });
    const events = collect(session);
    push(session, 'silence', 200);
    push(session, 'speech', 600);
    push(session, 'silence', 1400);
    session.endInput();
    const got = await events;
    const types = got.map((e) => e.type);
    expect(types[0]).toBe('speech_started');
    expect(types).toContain('interim');
    const final = got.find((e) => e.type === 'final');
    expect(final).toMatchObject({ text: 'Hello there, friend.', endOfUtterance: true });
    expect(final?.type === 'final' && final.words?.[0]?.startMs).toBe(200);
    expect(types.at(-1)).toBe('speech_ended');
    const query = standin.connections[0]?.query;
    expect(Object.fromEntries(query ?? [])).toMatchObject({
      encoding: 'linear16',
      sample_rate: '16000',
      interim_results: 'true',
      endpointing: '300',
      utterance_end_ms: '1000',
      vad_events: 'true',
      smart_format: 'true',
      model: 'nova-3',
      language: 'en-US',
    });
    expect(standin.connections[0]?.authorization).toBe('Token dg-test-key');
    expect(standin.connections[0]?.controls).toEqual(['CloseStream']);
    expect(standin.connections[0]?.audioBytes).toBe(2200 * 32);
  });

  it('flush sends Finalize and the final that answers it ends the utterance', async () => {
    const session = stt().stream({ language: 'en', sampleRate: RATE, options: { endpointing: 5000 } });
    const events: SttEvent[] = [];
    const reading = (async () => {
      for await (const e of session) events.push(e);
    })();
    push(session, 'speech', 400);
    await until(() => standin.connections[0]?.audioBytes === 400 * 32);
    session.flush();
    await until(() => events.some((e) => e.type === 'final'));
    expect(events.find((e) => e.type === 'final')).toMatchObject({
      text: 'Hello there, friend.',
      endOfUtterance: true,
    });
    expect(standin.connections[0]?.controls).toContain('Finalize');
    session.endInput();
    await reading;
    expect(session.billedSeconds).toBeCloseTo(0.4, 5);
    expect(session.audioSeconds).toBeCloseTo(0.4, 5);
  });

  it('sends KeepAlive while no audio flows', async () => {
    const session = stt({ keepAliveMs: 30 }).stream({ language: 'en', sampleRate: RATE });
    const reading = collect(session);
    await until(() => (standin.connections[0]?.controls.filter((c) => c === 'KeepAlive').length ?? 0) >= 2);
    session.endInput();
    await reading;
    expect(standin.connections[0]?.audioBytes).toBe(0);
  });

  it('aborting closes the socket at once and ends the iterator quietly', async () => {
    const controller = new AbortController();
    const session = stt().stream({ language: 'en', sampleRate: RATE, signal: controller.signal });
    const reading = collect(session);
    await until(() => standin.connections.length === 1);
    push(session, 'speech', 200);
    controller.abort();
    await expect(reading).resolves.toBeDefined();
    const socket = standin.connections[0]?.socket;
    await until(() => socket?.readyState === socket?.CLOSED);
  });

  it('reconnects after a dropped socket and replays the audio since the last final', async () => {
    const session = stt().stream({ language: 'en', sampleRate: RATE, options: { endpointing: 300 } });
    const events: SttEvent[] = [];
    const reading = (async () => {
      for await (const e of session) events.push(e);
    })();
    push(session, 'speech', 400);
    push(session, 'silence', 400);
    await until(() => events.some((e) => e.type === 'final'));
    // Second utterance: 300 ms of it reach the first socket, which then drops; the rest is pushed
    // while it is down and must reach the new socket together with the 300 ms already sent.
    push(session, 'speech', 300);
    await until(() => standin.connections[0]?.audioBytes === 1100 * 32);
    standin.drop();
    push(session, 'speech', 300);
    push(session, 'silence', 400);
    await until(() => standin.connections.length === 2 && events.filter((e) => e.type === 'final').length === 2);
    session.endInput();
    await reading;
    const finals = events.filter((e) => e.type === 'final');
    expect(finals.map((f) => f.type === 'final' && f.text)).toEqual(['Hello there, friend.', 'Second line']);
    // The replay began where the first final ended (about 700 ms: 400 of speech + 300 of endpointing);
    // the second utterance's first word is at 800 ms of the session, as on the first socket.
    const second = finals[1];
    expect(second?.type === 'final' && second.words?.[0]?.startMs).toBe(800);
    expect(session.connections).toBe(2);
    // Everything from the end of the first final on was sent again: 100 ms of silence, 600 of speech, 400 silence.
    expect(standin.connections[1]?.audioBytes).toBe(1100 * 32);
  });
});

describe('DeepgramStt handshake errors', () => {
  beforeEach(async () => {
    await startStandin();
  });

  it('a wrong key is a non-retryable 401, not retried', async () => {
    const session = stt({ apiKey: 'wrong' }).stream({ language: 'en', sampleRate: RATE });
    const error = await collect(session).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 401, retryable: false, provider: 'deepgram.stt' });
    expect(standin.connections).toHaveLength(0);
  });

  it('429 is retryable and carries Retry-After; the session connects on the next attempt', async () => {
    standin.refuse.push({ status: 429, retryAfter: '2' });
    const refused = await openWebSocket({ url: `${url}/v1/listen`, provider: 'deepgram.stt' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 429, retryable: true, retryAfterMs: 2000 });
    // The next attempt waits the vendor's Retry-After (0.3 s) rather than the 10 ms backoff.
    standin.refuse.push({ status: 429, retryAfter: '0.3' });
    const startedAt = Date.now();
    const session = stt().stream({ language: 'en', sampleRate: RATE });
    const reading = collect(session);
    await until(() => standin.connections.length === 1);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    session.endInput();
    await reading;
  });

  it('5xx is retried, then the retryable error reaches the consumer', async () => {
    standin.refuse.push({ status: 503 }, { status: 502 }, { status: 500 });
    const session = stt().stream({ language: 'en', sampleRate: RATE });
    const error = await collect(session).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect(standin.refuse).toHaveLength(0);
  });

  it('a closed port (connection refused) is a retryable network error', async () => {
    await standin.stop();
    const session = stt({ reconnect: { maxRetry: 0 } }).stream({ language: 'en', sampleRate: RATE });
    const error = await collect(session).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: true, provider: 'deepgram.stt' });
    await startStandin();
  });
});
