import type { ProviderFactory, ProviderRef } from '../registry.js';
import { OpenAiStt } from '../stt/openai.js';
import { OpenAiTts } from '../tts/openai.js';
import { OpenAiLlm } from './openai.js';
import { type OpenAiEndpoint, resolveOpenAiEndpoint } from './openai-http.js';

/**
 * The registry's factories for the three OpenAI-compatible adapters (`openai` for llm, stt and
 * tts). These are where `OPENAI_API_KEY`, `OPENAI_BASE_URL` and `CALLINGSCOUT_ALLOW_PRIVATE_URLS`
 * are read, and where the tenant's own key (bring your own key) wins over the operator's.
 *
 * Configured: the tenant has a key, or the operator has, or a base URL names a server that may
 * need none (Ollama, llama.cpp, vLLM: an agent's `base_url`, or the operator's `OPENAI_BASE_URL`
 * pointing elsewhere than api.openai.com).
 */

function endpoint(env: NodeJS.ProcessEnv, ref: Omit<ProviderRef, 'fallback'>, tenantKey?: string): OpenAiEndpoint {
  return resolveOpenAiEndpoint({
    agentBaseUrl: ref.options?.base_url,
    tenantKey,
    operatorKey: env.OPENAI_API_KEY || undefined,
    operatorBaseUrl: env.OPENAI_BASE_URL || undefined,
    allowPrivateUrls: ['true', '1', 'yes'].includes(env.CALLINGSCOUT_ALLOW_PRIVATE_URLS ?? ''),
  });
}

function configured(env: NodeJS.ProcessEnv, tenantKey?: string): boolean {
  if (tenantKey || env.OPENAI_API_KEY) return true;
  const base = env.OPENAI_BASE_URL;
  return Boolean(base && !base.includes('api.openai.com'));
}

export const openAiLlmFactory: ProviderFactory<'llm'> = {
  create: ({ clock, ref, env, tenantKey }) => new OpenAiLlm({ clock, endpoint: endpoint(env, ref, tenantKey) }),
  configured,
};

export const openAiSttFactory: ProviderFactory<'stt'> = {
  create: ({ clock, ref, env, tenantKey }) => new OpenAiStt({ clock, endpoint: endpoint(env, ref, tenantKey) }),
  configured,
};

export const openAiTtsFactory: ProviderFactory<'tts'> = {
  create: ({ clock, ref, env, tenantKey }) => new OpenAiTts({ clock, endpoint: endpoint(env, ref, tenantKey) }),
  configured,
};
