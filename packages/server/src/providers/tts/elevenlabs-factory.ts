import { ProviderError } from '../../errors.js';
import type { ProviderFactory } from '../registry.js';
import { ElevenLabsTts } from './elevenlabs.js';

/**
 * The registry's factory for `elevenlabs` TTS: where `ELEVENLABS_API_KEY` (and
 * `ELEVENLABS_BASE_URL`, for a stand-in or a regional endpoint) are read; the tenant's own key
 * wins over the operator's.
 */
export const elevenLabsTtsFactory: ProviderFactory<'tts'> = {
  create: ({ env, tenantKey }) => {
    const apiKey = tenantKey || env.ELEVENLABS_API_KEY;
    if (!apiKey)
      throw new ProviderError({
        provider: 'elevenlabs.tts',
        retryable: false,
        message: 'ElevenLabs needs a key: set ELEVENLABS_API_KEY or give the tenant its own elevenlabs key.',
      });
    return new ElevenLabsTts({ apiKey, baseUrl: env.ELEVENLABS_BASE_URL || undefined });
  },
  configured: (env, tenantKey) => Boolean(tenantKey || env.ELEVENLABS_API_KEY),
};
