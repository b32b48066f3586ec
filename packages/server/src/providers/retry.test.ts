import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import { VirtualClock } from '../pipeline/clocks.js';
import { providerErrorFromStatus, toProviderError } from './errors.js';
import { retryStream, withRetry } from './retry.js';
import { fakeProviderError } from './testing/fake-failure.js';
import { FakeLlm } from './testing/fake-llm.js';

async function runOn<T>(clock: VirtualClock, work: Promise<T>): Promise<T> {
  let done = false;
  const tracked = work.finally(() => {
    done = true;
  });
  tracked.catch(() => {});
  await clock.run({ until: () => done });
  return tracked;
}

describe('withRetry', () => {
  it('retries retryable failures with exponential backoff on the clock, then succeeds', async () => {
    const clock = new VirtualClock();
    const startedAt: number[] = [];
    const result = await runOn(
      clock,
      withRetry(
        async () => {
          startedAt.push(clock.now());
          if (startedAt.length < 3) throw providerErrorFromStatus('x.llm', 503, 'overloaded');
          return 'ok';
        },
        { clock, provider: 'x.llm', retry: { maxRetry: 3, retryIntervalMs: 100 } },
      ),
    );
    expect(result).toBe('ok');
    expect(startedAt).toEqual([0, 100, 300]);
  });

  it('does not retry a non-retryable failure', async () => {
    const clock = new VirtualClock();
    let attempts = 0;
    const work = withRetry(
      async () => {
        attempts++;
        throw providerErrorFromStatus('x.tts', 401, '{"error":"bad key"}');
      },
      { clock, provider: 'x.tts' },
    );
    await expect(runOn(clock, work)).rejects.toMatchObject({ status: 401, retryable: false });
    expect(attempts).toBe(1);
  });

  it('gives up after maxRetry and throws the last error; a timed-out attempt counts as retryable', async () => {
    const clock = new VirtualClock();
    const signals: AbortSignal[] = [];
    const work = withRetry(
      ({ signal }) => {
        signals.push(signal);
        return new Promise<never>(() => {});
      },
      { clock, provider: 'x.stt', retry: { maxRetry: 1, retryIntervalMs: 50, timeoutMs: 1000 } },
    );
    await expect(runOn(clock, work)).rejects.toThrow('did not answer within 1000 ms');
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(clock.now()).toBe(2050);
  });
});

describe('retryStream', () => {
  it('retries a stream that fails before its first item, invisibly to the consumer', async () => {
    const clock = new VirtualClock();
    const error = fakeProviderError('fake.llm', { status: 429 });
    const llm = new FakeLlm({
      clock,
      firstTokenMs: 10,
      responses: [{ text: 'hi there' }],
      fail: [{ at: 'connect', error }],
    });
    const retries: number[] = [];
    const texts: string[] = [];
    const reading = (async () => {
      for await (const d of retryStream((signal) => llm.stream({ messages: [], tools: [] }, { signal }), {
        clock,
        provider: llm.label,
        onRetry: ({ delayMs }) => retries.push(delayMs),
      }))
        if (d.type === 'text') texts.push(d.text);
    })();
    await runOn(clock, reading);
    expect(texts.join('')).toBe('hi there');
    expect(retries).toEqual([200]);
    expect(llm.requests).toHaveLength(2);
  });

  it('throws a mid-stream failure instead of retrying it (items were already consumed)', async () => {
    const clock = new VirtualClock();
    const error = fakeProviderError('fake.llm', { status: 503 });
    const llm = new FakeLlm({
      clock,
      responses: [{ text: 'a b c' }],
      fail: { at: 'mid_stream', afterEvents: 1, error },
    });
    const reading = (async () => {
      for await (const _ of retryStream((signal) => llm.stream({ messages: [], tools: [] }, { signal }), {
        clock,
        provider: llm.label,
      })) {
      }
    })();
    await expect(runOn(clock, reading)).rejects.toBe(error);
    expect(llm.requests).toHaveLength(1);
  });
});

describe('toProviderError', () => {
  it('classifies statuses and network failures', () => {
    expect(providerErrorFromStatus('p', 408).retryable).toBe(true);
    expect(providerErrorFromStatus('p', 409).retryable).toBe(true);
    expect(providerErrorFromStatus('p', 429).retryable).toBe(true);
    expect(providerErrorFromStatus('p', 400).retryable).toBe(false);
    expect(providerErrorFromStatus('p', 404).retryable).toBe(false);
    expect(providerErrorFromStatus('p', 502).retryable).toBe(true);
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    });
    expect(toProviderError('p', reset)).toMatchObject({ retryable: true, provider: 'p' });
    expect(toProviderError('p', Object.assign(new Error('nope'), { code: 'ENOTFOUND' })).retryable).toBe(false);
    expect(toProviderError('p', Object.assign(new Error('slow down'), { status: 429 })).status).toBe(429);
    expect(toProviderError('p', new RangeError('bug')).retryable).toBe(false);
    const original = new ProviderError({ provider: 'q', message: 'm', retryable: true });
    expect(toProviderError('p', original)).toBe(original);
  });
});
