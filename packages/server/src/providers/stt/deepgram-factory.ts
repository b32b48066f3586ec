import { ProviderError } from '../../errors.js';
import type { ProviderFactory } from '../registry.js';
import { DeepgramStt } from './deepgram.js';

/**
 * The registry's factory for `deepgram` STT: where `DEEPGRAM_API_KEY` (and `DEEPGRAM_BASE_URL`,
 * for a self-hosted Deepgram or a stand-in) are read; the tenant's own key wins over the operator's.
 */
export const deepgramSttFactory: ProviderFactory<'stt'> = {
  create: ({ clock, env, tenantKey }) => {
    const apiKey = tenantKey || env.DEEPGRAM_API_KEY;
    if (!apiKey)
      throw new ProviderError({
        provider: 'deepgram.stt',
        retryable: false,
        message: 'Deepgram needs a key: set DEEPGRAM_API_KEY or give the tenant its own deepgram key.',
      });
    return new DeepgramStt({ apiKey, clock, baseUrl: env.DEEPGRAM_BASE_URL || undefined });
  },
  configured: (env, tenantKey) => Boolean(tenantKey || env.DEEPGRAM_API_KEY),
};
