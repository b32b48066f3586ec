import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../pipeline/clocks.js';
import { withFallback } from '../fallback.js';
import { ElevenLabsTts, type ElevenLabsTtsOptions } from './elevenlabs.js';
import { ElevenLabsStandin, type ElevenLabsStandinOptions } from './testing/elevenlabs-standin.js';
import type { TtsChunk, TtsStream } from './tts.js';

let standin: ElevenLabsStandin;
let url: string;

async function start(options: ElevenLabsStandinOptions = {}) {
  standin = new ElevenLabsStandin(options);
  url = await standin.start();
}

afterEach(async () => {
  await standin?.stop();
});

const tts = (options: Partial<ElevenLabsTtsOptions> = {}) =>
  new ElevenLabsTts({ apiKey: 'el-test-key', baseUrl: url, ...options });

async function collect(stream: TtsStream): Promise<TtsChunk[]> {
  const chunks: TtsChunk[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

const samplesOf = (chunks: TtsChunk[], segment: number) =>
  chunks.reduce((n, c) => n + (c.type === 'audio' && c.segment === segment ? c.pcm.length : 0), 0);

describe('ElevenLabsTts against the ElevenLabs stand-in', () => {
  it('speaks the first clause before the rest of the text exists, segment by segment', async () => {
    await start({ msPerChar: 10 });
    const stream = tts().stream({ language: 'en', sampleRate: 16000, voice: 'voice_abc', options: { stability: 0.3 } });
    const chunks: TtsChunk[] = [];
    const reading = (async () => {
      for await (const c of stream) chunks.push(c);
    })();
    stream.pushText('Hello ');
    stream.pushText('there.');
    stream.flush();
    // The first segment ends before any more text is pushed (the LLM is still "writing").
    while (!chunks.some((c) => c.type === 'segment_end')) await new Promise((r) => setTimeout(r, 5));
    stream.pushText('How are you today?');
    stream.endInput();
    await reading;
    expect(chunks.filter((c) => c.type === 'segment_end')).toEqual([
      { type: 'segment_end', segment: 0, text: 'Hello there.' },
      { type: 'segment_end', segment: 1, text: 'How are you today?' },
    ]);
    // 10 ms per character at 16 kHz: the stand-in speaks every character sent, the flush's space included.
    expect(samplesOf(chunks, 0)).toBe(13 * 160);
    expect(samplesOf(chunks, 1)).toBe(19 * 160);
    expect(stream.characters).toBe('Hello there.How are you today?'.length);
    const connection = standin.connections[0];
    expect(connection?.voiceId).toBe('voice_abc');
    expect(connection?.query.get('output_format')).toBe('pcm_16000');
    expect(connection?.query.get('model_id')).toBe('eleven_flash_v2_5');
    expect(connection?.apiKeyHeader).toBe('el-test-key');
    expect(connection?.received[0]).toMatchObject({ text: ' ', voice_settings: { stability: 0.3 } });
    expect(connection?.received.at(-1)).toEqual({ text: '' });
  });

  it('aborting closes the socket at once and ends the stream quietly', async () => {
    await start({ msPerChar: 10 });
    const controller = new AbortController();
    const stream = tts().stream({ language: 'en', sampleRate: 8000, signal: controller.signal });
    const reading = collect(stream);
    stream.pushText('A long sentence that will not be heard to the end.');
    stream.flush();
    while (standin.connections[0]?.audioMessages === undefined || standin.connections[0].audioMessages < 1)
      await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(reading).resolves.toBeDefined();
    const socket = standin.connections[0]?.socket;
    while (socket?.readyState !== socket?.CLOSED) await new Promise((r) => setTimeout(r, 5));
  });

  it('a dropped socket is retryable, and the fallback wrapper finishes the turn on a new socket', async () => {
    await start({ msPerChar: 10, dropAfterAudio: 1 });
    const bare = tts().stream({ language: 'en', sampleRate: 16000 });
    bare.pushText('First clause here.');
    bare.flush();
    await expect(collect(bare)).rejects.toMatchObject({ retryable: true, provider: 'elevenlabs.tts' });

    standin.connections.length = 0;
    (standin as unknown as { options: ElevenLabsStandinOptions }).options.dropAfterAudio = 1;
    const resilient = withFallback(tts(), undefined, { clock: new RealClock(), retry: { retryIntervalMs: 5 } });
    const stream = resilient.stream({ language: 'en', sampleRate: 16000 });
    stream.pushText('First clause here.');
    stream.flush();
    stream.pushText('And a second one.');
    stream.endInput();
    const chunks = await collect(stream);
    expect(standin.connections).toHaveLength(2);
    expect(chunks.filter((c) => c.type === 'segment_end').map((c) => c.type === 'segment_end' && c.text)).toEqual([
      'First clause here.',
      'And a second one.',
    ]);
    // 17 characters and the space of the flush that endInput implies.
    expect(samplesOf(chunks, 1)).toBe(18 * 160);
  });

  it('a wrong key is a non-retryable 401', async () => {
    await start();
    const stream = tts({ apiKey: 'nope' }).stream({ language: 'en', sampleRate: 16000 });
    await expect(collect(stream)).rejects.toMatchObject({ status: 401, retryable: false });
  });

  it('429 keeps Retry-After and is retryable; 5xx is retryable', async () => {
    await start();
    standin.refuse.push({ status: 429, retryAfter: '3' }, { status: 503 });
    await expect(collect(tts().stream({ language: 'en', sampleRate: 16000 }))).rejects.toMatchObject({
      status: 429,
      retryable: true,
      retryAfterMs: 3000,
    });
    await expect(collect(tts().stream({ language: 'en', sampleRate: 16000 }))).rejects.toMatchObject({
      status: 503,
      retryable: true,
    });
  });

  it('an error message from the server (unknown voice) fails the stream without retry', async () => {
    await start();
    const stream = tts().stream({ language: 'en', sampleRate: 16000, voice: 'missing_voice' });
    stream.pushText('Hi.');
    stream.endInput();
    await expect(collect(stream)).rejects.toMatchObject({ retryable: false, provider: 'elevenlabs.tts' });
  });
});
