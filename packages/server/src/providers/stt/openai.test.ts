import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderError } from '../../errors.js';
import { RealClock } from '../../pipeline/clocks.js';
import { defaultProviderRegistry } from '../registry.js';
import { OpenAiStandin } from '../testing/standins/openai-standin.js';
import { OpenAiStt } from './openai.js';
import type { SttEvent, SttProvider, SttStream } from './stt.js';

const clock = new RealClock();
let standin: OpenAiStandin;
let stt: OpenAiStt;

/** 20 ms frames at 16 kHz: a 300 Hz tone at -12 dBFS (speech to the energy VAD) or digital silence. */
function frames(kind: 'speech' | 'silence', ms: number): Int16Array[] {
  return Array.from({ length: ms / 20 }, (_, f) =>
    Int16Array.from({ length: 320 }, (_, i) =>
      kind === 'speech' ? Math.round(8000 * Math.sin((2 * Math.PI * 300 * (f * 320 + i)) / 16000)) : 0,
    ),
  );
}

function push(stream: SttStream, list: Int16Array[]): void {
  for (const f of list) stream.pushAudio(f);
}

async function drain(stream: SttStream): Promise<SttEvent[]> {
  const events: SttEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

function open(provider: SttProvider = stt, signal?: AbortSignal): SttStream {
  return provider.stream({ language: 'en-US', sampleRate: 16000, signal });
}

beforeAll(async () => {
  standin = await OpenAiStandin.start({ apiKey: 'sk-test' });
});
afterAll(() => standin.close());
beforeEach(() => {
  standin.requests.length = 0;
  let n = 0;
  standin.onTranscribe = (audio) => `utterance ${++n} of ${(audio.samples.length / audio.sampleRate).toFixed(2)} s`;
  stt = new OpenAiStt({ clock, endpoint: { baseUrl: standin.url, apiKey: 'sk-test', allowPrivate: true } });
});

describe('OpenAiStt: utterances cut by energy, one transcription request each', () => {
  it('two utterances separated by silence: started, ended, one final each with the audio seconds billed', async () => {
    const stream = open();
    push(stream, [...frames('silence', 400), ...frames('speech', 1000), ...frames('silence', 600)]);
    push(stream, [...frames('speech', 600), ...frames('silence', 600)]);
    stream.endInput();
    const events = await drain(stream);
    expect(events.map((e) => e.type)).toEqual([
      'speech_started',
      'speech_ended',
      'speech_started',
      'speech_ended',
      'final',
      'final',
    ]);
    const finals = events.filter((e) => e.type === 'final');
    // What was sent: the speech, some pre-roll before the VAD's decision and the silence that ended it.
    const seconds = finals.map((f) => f.audioSeconds as number);
    expect(finals.map((f) => f.text)).toEqual(seconds.map((s, i) => `utterance ${i + 1} of ${s.toFixed(2)} s`));
    expect(seconds[0]).toBeGreaterThan(1.1);
    expect(seconds[0]).toBeLessThan(1.75);
    expect(seconds[1]).toBeGreaterThan(0.7);
    expect(seconds[1]).toBeLessThan(1.35);
    expect(finals.every((f) => f.endOfUtterance)).toBe(true);
    expect(standin.requests[0]?.body).toMatchObject({ model: 'whisper-1', language: 'en', response_format: 'json' });
    expect(standin.requests[0]?.authorization).toBe('Bearer sk-test');
  });

  it('a monologue longer than Whisper’s 30 s window is sent in two pieces, the first of 30 s', async () => {
    const stream = open();
    // Syllables: 400 ms of voice, 100 ms of pause (a steady tone would become the VAD's noise floor in 2 s).
    const talk = frames('speech', 31_000).map((f, i) => (i % 25 >= 20 ? new Int16Array(320) : f));
    push(stream, [...talk, ...frames('silence', 600)]);
    stream.endInput();
    const finals = (await drain(stream)).filter((e) => e.type === 'final');
    expect(finals.map((f) => f.audioSeconds)).toEqual([30, expect.closeTo(1.4, 0)]);
  });

  it('flush() sends what was heard so far without waiting for the silence', async () => {
    const stream = open();
    push(stream, frames('speech', 800));
    stream.flush();
    const iterator = stream[Symbol.asyncIterator]();
    const seen: SttEvent[] = [];
    while (seen.at(-1)?.type !== 'final') seen.push((await iterator.next()).value as SttEvent);
    expect(seen.map((e) => e.type)).toEqual(['speech_started', 'speech_ended', 'final']);
    expect(standin.requests).toHaveLength(1);
    stream.endInput();
  });

  it('abort ends the session at once, without error, and drops the request in flight', async () => {
    const controller = new AbortController();
    const stream = open(stt, controller.signal);
    push(stream, [...frames('speech', 600), ...frames('silence', 500)]);
    controller.abort();
    expect(await drain(stream)).toEqual([]);
  });

  it('a refused request fails the session with a classified error (401, 429 with Retry-After, dropped socket)', async () => {
    const fail = async () => {
      const stream = open();
      push(stream, [...frames('speech', 400), ...frames('silence', 500)]);
      stream.endInput();
      return drain(stream).then(
        () => null,
        (e: unknown) => e as ProviderError,
      );
    };
    standin.failNext({ status: 401 });
    expect(await fail()).toMatchObject({ status: 401, retryable: false, provider: 'openai.stt' });
    standin.failNext({ status: 429, retryAfter: '1' });
    expect(await fail()).toMatchObject({ status: 429, retryable: true, retryAfterMs: 1000 });
    standin.failNext({ drop: 'before_headers' });
    expect(await fail()).toMatchObject({ retryable: true });
  });

  it('through the registry: a 503 reopens the session and the utterance is replayed and transcribed', async () => {
    const registry = defaultProviderRegistry({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: standin.url });
    const provider = registry.create(
      'stt',
      { provider: 'openai', model: 'Systran/faster-whisper-small' },
      {
        clock,
        mode: 'live',
        retry: { retryIntervalMs: 5 },
      },
    );
    standin.failNext({ status: 503 });
    const stream = open(provider);
    push(stream, [...frames('speech', 600), ...frames('silence', 500)]);
    const finals: SttEvent[] = [];
    const reading = (async () => {
      for await (const e of stream) if (e.type === 'final') finals.push(e);
    })();
    await expect.poll(() => finals.length, { timeout: 3000 }).toBe(1);
    stream.endInput();
    await reading;
    expect(standin.requests).toHaveLength(2);
    expect(standin.requests[1]?.body.model).toBe('Systran/faster-whisper-small');
    expect(finals[0]).toMatchObject({ type: 'final', endOfUtterance: true });
  });
});
