import type { LlmProvider } from './llm/llm.js';
import type { RealtimeProvider } from './realtime/realtime.js';
import type { SttProvider } from './stt/stt.js';
import type { TtsProvider } from './tts/tts.js';

/** An agent's setting for one provider kind (api.md, "Agents"): `{provider, model?, voice?, language?, options?, fallback?}`. */
export interface ProviderRef {
  provider: string;
  model?: string;
  voice?: string;
  language?: string;
  options?: Record<string, unknown>;
  fallback?: Omit<ProviderRef, 'fallback'>;
}

export type AnyProvider = SttProvider | TtsProvider | LlmProvider | RealtimeProvider;

/**
 * Binds a provider to its ref: the `model`, `voice` and `options` it streams with come from the
 * ref (a fallback has its own model and voice, whatever the primary's were), and `language` from
 * the ref when set, else from the call.
 */
export function bindRef<P extends AnyProvider>(provider: P, ref: Omit<ProviderRef, 'fallback'>): P {
  const own = { model: ref.model, options: ref.options };
  switch (provider.kind) {
    case 'stt': {
      const p = provider as SttProvider;
      return {
        kind: p.kind,
        label: p.label,
        capabilities: p.capabilities,
        stream: (o) => p.stream({ ...o, ...own, language: ref.language ?? o.language }),
      } satisfies SttProvider as P;
    }
    case 'tts': {
      const p = provider as TtsProvider;
      return {
        kind: p.kind,
        label: p.label,
        capabilities: p.capabilities,
        stream: (o) => p.stream({ ...o, ...own, voice: ref.voice, language: ref.language ?? o.language }),
      } satisfies TtsProvider as P;
    }
    case 'llm': {
      const p = provider as LlmProvider;
      const stream: LlmProvider['stream'] = (c, o) => p.stream(c, { ...o, ...own });
      return { kind: p.kind, label: p.label, capabilities: p.capabilities, stream } satisfies LlmProvider as P;
    }
    case 'realtime': {
      const p = provider as RealtimeProvider;
      return {
        kind: p.kind,
        label: p.label,
        capabilities: p.capabilities,
        stream: (o) =>
          p.stream({ ...o, model: ref.model ?? o.model, voice: ref.voice ?? o.voice, options: ref.options }),
      } satisfies RealtimeProvider as P;
    }
  }
}
