import { ProviderError } from '../../errors.js';
import type { ProviderFactory } from '../registry.js';
import { OpenAiRealtime } from './openai.js';

/**
 * The registry's factory for `openai` realtime: `OPENAI_API_KEY` (the tenant's own key wins) and
 * `OPENAI_BASE_URL`, whose scheme becomes ws(s) (`https://api.openai.com/v1` →
 * `wss://api.openai.com/v1`, then `/realtime`).
 */
export function realtimeBaseUrl(base: string | undefined): string | undefined {
  if (!base) return undefined;
  return base.replace(/\/+$/, '').replace(/^http(s?):\/\//, (_m, s: string) => `ws${s}://`);
}

export const openAiRealtimeFactory: ProviderFactory<'realtime'> = {
  create: ({ clock, env, tenantKey }) => {
    const apiKey = tenantKey || env.OPENAI_API_KEY;
    if (!apiKey)
      throw new ProviderError({
        provider: 'openai.realtime',
        retryable: false,
        message: 'OpenAI Realtime needs a key: set OPENAI_API_KEY or give the tenant its own openai key.',
      });
    return new OpenAiRealtime({ apiKey, clock, baseUrl: realtimeBaseUrl(env.OPENAI_BASE_URL || undefined) });
  },
  configured: (env, tenantKey) => Boolean(tenantKey || env.OPENAI_API_KEY),
};
