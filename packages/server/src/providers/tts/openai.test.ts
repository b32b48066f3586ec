import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import { RealClock } from '../../pipeline/clocks.js';
import { defaultProviderRegistry } from '../registry.js';
import { OpenAiStandin } from '../testing/standins/openai-standin.js';
import { OpenAiTts, PcmChunker } from './openai.js';
import type { TtsChunk, TtsProvider, TtsStreamOptions } from './tts.js';

const clock = new RealClock();
let standin: OpenAiStandin;
let tts: OpenAiTts;

/** Speaks each text as a flushed segment, then ends; returns every chunk. */
async function speak(provider: TtsProvider, texts: string[], options: Partial<TtsStreamOptions> = {}) {
  const stream = provider.stream({ language: 'en-US', sampleRate: 16000, ...options });
  for (const text of texts) {
    stream.pushText(text);
    stream.flush();
  }
  stream.endInput();
  const chunks: TtsChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function samplesOf(chunks: TtsChunk[], segment: number): number {
  return chunks.reduce((n, c) => n + (c.type === 'audio' && c.segment === segment ? c.pcm.length : 0), 0);
}

beforeAll(async () => {
  standin = await OpenAiStandin.start({ apiKey: 'sk-test' });
});
afterAll(() => standin.close());
beforeEach(() => {
  standin.requests.length = 0;
  tts = new OpenAiTts({ clock, endpoint: { baseUrl: standin.url, apiKey: 'sk-test', allowPrivate: true } });
});

describe('OpenAiTts against the speech stand-in', () => {
  it('one PCM request per flushed segment, resampled 24 → 16 kHz, with the characters billed', async () => {
    const chunks = await speak(tts, ['Hello there.', ' How are you?'], { voice: 'nova', options: { speed: 1.25 } });
    expect(standin.requests.map((r) => r.body)).toEqual([
      { model: 'gpt-4o-mini-tts', input: 'Hello there.', voice: 'nova', response_format: 'pcm', speed: 1.25 },
      { model: 'gpt-4o-mini-tts', input: 'How are you?', voice: 'nova', response_format: 'pcm', speed: 1.25 },
    ]);
    // The stand-in speaks 60 ms a character: 12 characters = 720 ms = 11,520 samples at 16 kHz.
    expect(Math.abs(samplesOf(chunks, 0) - 11_520)).toBeLessThanOrEqual(2);
    expect(chunks.filter((c) => c.type === 'segment_end')).toEqual([
      { type: 'segment_end', segment: 0, text: 'Hello there.', characters: 12 },
      { type: 'segment_end', segment: 1, text: ' How are you?', characters: 12 },
    ]);
    const order = chunks.map((c) => c.segment);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('at 24 kHz the samples are the server’s, exactly, though chunks split samples at odd bytes', async () => {
    const chunks = await speak(tts, ['Hi!'], { sampleRate: 24000 });
    const pcm = Int16Array.from(chunks.flatMap((c) => (c.type === 'audio' ? [...c.pcm] : [])));
    expect(pcm.length).toBe(Math.round((24000 * 60 * 3) / 1000));
    for (const i of [0, 1, 2400, 4320 - 1])
      expect(pcm[i]).toBe(Math.round(3000 * Math.sin((2 * Math.PI * 220 * i) / 24000)));
  });

  it('PcmChunker joins a sample split across chunks, one byte at a time', () => {
    const chunker = new PcmChunker(24000);
    const bytes = new Uint8Array(new Int16Array([1000, -2, 32767]).buffer);
    const out: number[] = [];
    for (const b of bytes) out.push(...(chunker.push(Uint8Array.of(b)) ?? []));
    expect(out).toEqual([1000, -2, 32767]);
  });

  it('abort stops at once: the iterator ends without error and the connection is closed', async () => {
    const slow = await OpenAiStandin.start({ speechChunkBytes: 960, speechChunkDelayMs: 20 });
    try {
      const provider = new OpenAiTts({ clock, endpoint: { baseUrl: slow.url, allowPrivate: true } });
      const controller = new AbortController();
      const stream = provider.stream({ language: 'en', sampleRate: 8000, signal: controller.signal });
      stream.pushText('A long sentence that takes a while to say.');
      stream.flush();
      let audio = 0;
      for await (const chunk of stream) {
        if (chunk.type === 'audio' && ++audio === 2) controller.abort();
      }
      expect(audio).toBe(2);
      await expect.poll(() => slow.requests[0]?.aborted).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it('fails the stream with classified errors: 401, 429 with Retry-After, a socket dropped mid-audio', async () => {
    const error = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => e as ProviderError,
      );
    standin.failNext({ status: 401 });
    expect(await error(speak(tts, ['Hi.']))).toMatchObject({ status: 401, retryable: false, provider: 'openai.tts' });
    standin.failNext({ status: 429, retryAfter: '3' });
    expect(await error(speak(tts, ['Hi.']))).toMatchObject({ status: 429, retryable: true, retryAfterMs: 3000 });
    standin.failNext({ drop: 'mid_stream', afterChunks: 1 });
    const dropped = await error(speak(tts, ['A sentence long enough for two chunks.']));
    expect(dropped).toBeInstanceOf(ProviderError);
    expect(dropped).toMatchObject({ retryable: true });
  });

  it('through the registry: a 500 before any audio is retried, and the segment is spoken whole', async () => {
    const registry = defaultProviderRegistry({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: standin.url });
    const provider = registry.create(
      'tts',
      { provider: 'openai', voice: 'echo' },
      {
        clock,
        mode: 'live',
        retry: { retryIntervalMs: 5 },
      },
    );
    standin.failNext({ status: 500 });
    const chunks = await speak(provider, ['Hello there.']);
    expect(standin.requests).toHaveLength(2);
    expect(standin.requests[1]?.body.voice).toBe('echo');
    expect(Math.abs(samplesOf(chunks, 0) - 11_520)).toBeLessThanOrEqual(2);
  });
});
