import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import { RealClock } from '../../pipeline/clocks.js';
import { parseRetryAfter } from '../errors.js';
import { defaultProviderRegistry } from '../registry.js';
import { DEFAULT_RETRY, MAX_RETRY_AFTER_MS, retryDelayMs } from '../retry.js';
import { OpenAiStandin } from '../testing/standins/openai-standin.js';
import type { LlmContext, LlmDelta, LlmProvider } from './llm.js';
import { OpenAiLlm } from './openai.js';

const clock = new RealClock();
const context: LlmContext = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Book me for Tuesday.' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'call_a', name: 'lookup', arguments: '{"day":"tue"}' }] },
    { role: 'tool', toolCallId: 'call_a', content: '{"free":true}' },
  ],
  tools: [{ name: 'book', description: 'Books a slot', parameters: { type: 'object', properties: {} } }],
};

let standin: OpenAiStandin;
let llm: OpenAiLlm;

async function collect(provider: LlmProvider, signal?: AbortSignal): Promise<LlmDelta[]> {
  const out: LlmDelta[] = [];
  for await (const d of provider.stream(context, { signal })) out.push(d);
  return out;
}

async function failure(provider: LlmProvider): Promise<ProviderError> {
  const error = await collect(provider).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

beforeAll(async () => {
  standin = await OpenAiStandin.start({ apiKey: 'sk-test' });
});
afterAll(() => standin.close());
beforeEach(() => {
  standin.requests.length = 0;
  llm = new OpenAiLlm({ clock, endpoint: { baseUrl: standin.url, apiKey: 'sk-test', allowPrivate: true } });
});

describe('OpenAiLlm against the Chat Completions stand-in', () => {
  it('streams text deltas and ends with usage and the time to first token', async () => {
    standin.onChat = () => ({
      text: ['Sure', ', Tuesday', ' works.'],
      usage: { prompt_tokens: 42, completion_tokens: 5 },
    });
    const deltas = await collect(llm);
    expect(deltas.filter((d) => d.type === 'text').map((d) => (d as { text: string }).text)).toEqual([
      'Sure',
      ', Tuesday',
      ' works.',
    ]);
    const done = deltas.at(-1) as Extract<LlmDelta, { type: 'done' }>;
    expect(done).toMatchObject({
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 42, completionTokens: 5 },
    });
    expect(done.firstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('sends the documented request: stream, include_usage, tools as functions, tool calls and results in history', async () => {
    await collect(llm);
    const [request] = standin.requests;
    expect(request?.authorization).toBe('Bearer sk-test');
    expect(request?.body).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'book', description: 'Books a slot' } }],
    });
    expect((request?.body.messages as unknown[] | undefined)?.slice(2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'lookup', arguments: '{"day":"tue"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '{"free":true}' },
    ]);
  });

  it('assembles parallel tool calls whose arguments arrive in interleaved pieces, by index', async () => {
    standin.onChat = () => ({
      interleave: true,
      toolCalls: [
        { id: 'call_1', name: 'book', arguments: ['{"da', 'y":"tu', 'e"}'] },
        { id: 'call_2', name: 'send_sms', arguments: ['{"to":', '"+1555"}'] },
      ],
    });
    const deltas = await collect(llm);
    expect(deltas.filter((d) => d.type !== 'done')).toEqual([
      { type: 'tool_call', call: { id: 'call_1', name: 'book', arguments: '{"day":"tue"}' } },
      { type: 'tool_call', call: { id: 'call_2', name: 'send_sms', arguments: '{"to":"+1555"}' } },
    ]);
    expect(deltas.at(-1)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
  });

  it('stops reading and closes the connection when the signal aborts mid-stream, without an error', async () => {
    standin.onChat = () => ({ text: Array.from({ length: 50 }, (_, i) => `w${i} `), chunkDelayMs: 10 });
    const controller = new AbortController();
    const out: LlmDelta[] = [];
    for await (const d of llm.stream(context, { signal: controller.signal })) {
      out.push(d);
      if (out.length === 2) controller.abort();
    }
    expect(out).toHaveLength(2);
    await expect.poll(() => standin.requests[0]?.aborted).toBe(true);
  });

  it('classifies 401 as not retryable, 429 as retryable with its Retry-After, 5xx as retryable', async () => {
    standin.failNext({ status: 401 });
    expect(await failure(llm)).toMatchObject({ status: 401, retryable: false, provider: 'openai.llm' });
    standin.failNext({ status: 429, retryAfter: '1.5' });
    expect(await failure(llm)).toMatchObject({ status: 429, retryable: true, retryAfterMs: 1500 });
    standin.failNext({ status: 503 });
    expect(await failure(llm)).toMatchObject({ status: 503, retryable: true });
  });

  it('a wrong key is a 401 naming the vendor’s message', async () => {
    const wrong = new OpenAiLlm({ clock, endpoint: { baseUrl: standin.url, apiKey: 'sk-wrong', allowPrivate: true } });
    const error = await failure(wrong);
    expect(error.status).toBe(401);
    expect(error.message).toContain('stand-in error 401');
  });

  it('a socket dropped mid-stream or before the answer is a retryable error', async () => {
    standin.failNext({ drop: 'mid_stream', afterChunks: 2 });
    expect(await failure(llm)).toMatchObject({ retryable: true });
    standin.failNext({ drop: 'before_headers' });
    expect(await failure(llm)).toMatchObject({ retryable: true });
  });

  it('through the registry: a 429 is retried after its Retry-After, a dropped socket reconnects, usage comes through', async () => {
    const registry = defaultProviderRegistry({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: standin.url });
    const retries: number[] = [];
    const provider = registry.create(
      'llm',
      { provider: 'openai', model: 'gpt-4.1-mini' },
      { clock, mode: 'live', retry: { retryIntervalMs: 5 }, onRetry: (r) => retries.push(r.delayMs) },
    );
    standin.onChat = () => ({ text: ['Hi.'], usage: { prompt_tokens: 7, completion_tokens: 1 } });
    standin.failNext({ status: 429, retryAfter: '0.2' });
    standin.failNext({ drop: 'before_headers' });
    const deltas = await collect(provider);
    expect(retries).toEqual([200, 10]);
    expect(standin.requests).toHaveLength(3);
    expect(standin.requests[2]?.body.model).toBe('gpt-4.1-mini');
    expect(deltas).toEqual([
      { type: 'text', text: 'Hi.' },
      expect.objectContaining({ type: 'done', usage: { promptTokens: 7, completionTokens: 1 } }),
    ]);
  });

  it('never sends the operator’s key to a base URL an agent chose; the tenant’s own key goes there instead', async () => {
    const registry = defaultProviderRegistry({
      OPENAI_API_KEY: 'sk-operator',
      CALLINGSCOUT_ALLOW_PRIVATE_URLS: 'true',
    });
    const ref = { provider: 'openai', options: { base_url: standin.url } };
    await collect(registry.create('llm', ref, { clock, mode: 'live' })).catch(() => {});
    expect(standin.requests[0]?.authorization).toBeUndefined();
    await collect(registry.create('llm', ref, { clock, mode: 'live', keys: { openai: 'sk-test' } }));
    expect(standin.requests[1]?.authorization).toBe('Bearer sk-test');
  });

  it('refuses an agent’s base URL on a private address unless private URLs are allowed', async () => {
    const registry = defaultProviderRegistry({});
    const provider = registry.create(
      'llm',
      { provider: 'openai', options: { base_url: standin.url } },
      {
        clock,
        mode: 'live',
        retry: { maxRetry: 0 },
      },
    );
    const error = await failure(provider);
    expect(error.retryable).toBe(false);
    expect(standin.requests).toHaveLength(0);
  });

  it('Retry-After: seconds or an HTTP date; honoured over the backoff but never past 2 s of silence', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:05 GMT', Date.parse('Mon, 23 Nov 2026 10:00:00 GMT'))).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(retryDelayMs(DEFAULT_RETRY, 0, { retryAfterMs: 700 })).toBe(700);
    expect(retryDelayMs(DEFAULT_RETRY, 0, { retryAfterMs: 60_000 })).toBe(MAX_RETRY_AFTER_MS);
    expect(retryDelayMs(DEFAULT_RETRY, 1, {})).toBe(400);
  });
});
