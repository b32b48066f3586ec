import { ConfigError, ProviderError } from '../errors.js';
import type { Clock } from '../pipeline/clock.js';
import { type AnyProvider, bindRef, type ProviderRef } from './bind-ref.js';
import { type FallbackEvent, withFallback } from './fallback.js';
import type { LlmProvider } from './llm/llm.js';
import { openAiLlmFactory, openAiSttFactory, openAiTtsFactory } from './llm/openai-factories.js';
import { ScriptedLlm } from './llm/scripted.js';
import type { RetryOptions } from './provider.js';
import { openAiRealtimeFactory } from './realtime/openai-factory.js';
import type { RealtimeProvider } from './realtime/realtime.js';
import { deepgramSttFactory } from './stt/deepgram-factory.js';
import { SandboxStt, sandboxSttSettings } from './stt/sandbox.js';
import type { SttProvider } from './stt/stt.js';
import { elevenLabsTtsFactory } from './tts/elevenlabs-factory.js';
import { EspeakTts, espeakAvailability } from './tts/espeak.js';
import type { TtsProvider } from './tts/tts.js';

/**
 * The providers this build can run, by kind, and how to make one for a call. An agent's `stt`,
 * `llm`, `tts` and `realtime` settings are checked against it when the agent is saved (`ids`,
 * `get`), so a typo fails at once rather than on the phone; `create` turns a setting into a
 * provider for one call, with its fallback wrapped in and the test-mode rule of sandbox.md
 * applied. The cloud adapters (deepgram, openai, elevenlabs) register here when they land;
 * environment variables (their keys) are read here and nowhere deeper.
 */
export const PROVIDER_KINDS = ['stt', 'llm', 'tts', 'realtime'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export type { ProviderRef } from './bind-ref.js';

export interface ProviderInfo {
  /** The id agents name (`sandbox`, `deepgram`). */
  id: string;
  kind: ProviderKind;
  /** Runs without network or keys. */
  offline: boolean;
  description: string;
}

export type ProviderOf<K extends ProviderKind> = K extends 'stt'
  ? SttProvider
  : K extends 'llm'
    ? LlmProvider
    : K extends 'tts'
      ? TtsProvider
      : RealtimeProvider;

/** Whether a provider can run on this machine (a binary present, a key set). */
export type Availability = { ok: true } | { ok: false; reason: string };

/** How the registry makes one kind of provider. */
export interface ProviderFactory<K extends ProviderKind> {
  /** A provider for one call; the registry binds the ref's model, voice and options to it. */
  create(context: {
    clock: Clock;
    ref: Omit<ProviderRef, 'fallback'>;
    env: NodeJS.ProcessEnv;
    /** The tenant's own key for this provider id (bring your own key), decrypted; preferred to the operator's. */
    tenantKey?: string;
  }): ProviderOf<K>;
  /** Credentials present (default: yes), the tenant's own key counting. Decides whether test mode may use it. */
  configured?(env: NodeJS.ProcessEnv, tenantKey?: string): boolean;
  /** Checked at start (`availability()`); default: available when configured. */
  check?(env: NodeJS.ProcessEnv): Promise<Availability>;
}

export interface CreateProviderOptions {
  clock: Clock;
  /** The API key's mode; `test` swaps in the offline providers (sandbox.md). */
  mode: 'test' | 'live';
  /** The tenant's settings; `sandbox_use_real_providers` keeps the agent's own providers in test mode. */
  settings?: { sandbox_use_real_providers?: boolean };
  /** The tenant's own provider keys by provider id (`openai`, `deepgram`, `elevenlabs`), decrypted (providers/keys). */
  keys?: Readonly<Record<string, string>>;
  retry?: Partial<RetryOptions>;
  onFallback?: (event: FallbackEvent) => void;
  onRetry?: (info: { provider: string; attempt: number; delayMs: number; error: Error }) => void;
}

/** What `create` will build, and why. */
export interface ProviderResolution {
  primary: Omit<ProviderRef, 'fallback'>;
  fallback?: Omit<ProviderRef, 'fallback'>;
  /** Test mode replaced the agent's provider with the offline one. */
  substituted: boolean;
}

interface Entry {
  info: ProviderInfo;
  factory?: ProviderFactory<ProviderKind>;
}

export class ProviderRegistry {
  private readonly byKind = new Map<ProviderKind, Map<string, Entry>>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** Adds (or replaces) a provider; without a factory it is metadata only and `create` refuses it. */
  register<K extends ProviderKind>(info: ProviderInfo & { kind: K }, factory?: ProviderFactory<K>): void {
    let kind = this.byKind.get(info.kind);
    if (!kind) {
      kind = new Map();
      this.byKind.set(info.kind, kind);
    }
    kind.set(info.id, { info, factory: factory as ProviderFactory<ProviderKind> | undefined });
  }

  get(kind: ProviderKind, id: string): ProviderInfo | undefined {
    return this.byKind.get(kind)?.get(id)?.info;
  }

  ids(kind: ProviderKind): string[] {
    return [...(this.byKind.get(kind)?.keys() ?? [])];
  }

  list(): ProviderInfo[] {
    return [...this.byKind.values()].flatMap((m) => [...m.values()].map((e) => e.info));
  }

  /** Every provider with a factory, and whether it can run here: the start-up report (`GET /v1/status`). */
  async availability(): Promise<(ProviderInfo & { available: boolean; reason?: string })[]> {
    const entries = [...this.byKind.values()].flatMap((m) => [...m.values()]).filter((e) => e.factory);
    return Promise.all(
      entries.map(async ({ info, factory }) => {
        const result = await this.check(factory as ProviderFactory<ProviderKind>);
        return result.ok ? { ...info, available: true } : { ...info, available: false, reason: result.reason };
      }),
    );
  }

  /**
   * Which providers a call gets for the agent's `ref` of `kind`. Test mode uses the kind's
   * offline provider unless the tenant turned `sandbox_use_real_providers` on and the agent's
   * provider is configured here (sandbox.md); then its fallback is kept if configured too.
   */
  resolve(
    kind: ProviderKind,
    ref: ProviderRef,
    options: Pick<CreateProviderOptions, 'mode' | 'settings' | 'keys'>,
  ): ProviderResolution {
    const { fallback, ...primary } = ref;
    const usable = (r: Omit<ProviderRef, 'fallback'>) => {
      const entry = this.byKind.get(kind)?.get(r.provider);
      const configured = entry?.factory?.configured?.(this.env, options.keys?.[r.provider]) ?? true;
      return entry?.factory !== undefined && (entry.info.offline || configured);
    };
    const offlineAlready = this.get(kind, primary.provider)?.offline === true;
    if (
      options.mode === 'test' &&
      !offlineAlready &&
      !(options.settings?.sandbox_use_real_providers && usable(primary))
    ) {
      const offline = [...(this.byKind.get(kind)?.values() ?? [])].find((e) => e.info.offline && e.factory);
      if (!offline)
        throw new ConfigError(
          `No offline ${kind} provider exists for test mode; turn on the tenant setting sandbox_use_real_providers or use another pipeline.`,
          { setting: 'sandbox_use_real_providers' },
        );
      return { primary: { provider: offline.info.id, language: primary.language }, substituted: true };
    }
    return { primary, ...(fallback && usable(fallback) ? { fallback } : {}), substituted: false };
  }

  /** A provider for one call, bound to its ref, with retries and the fallback wrapped in. */
  create<K extends ProviderKind>(kind: K, ref: ProviderRef, options: CreateProviderOptions): ProviderOf<K> {
    const resolution = this.resolve(kind, ref, options);
    const make = (r: Omit<ProviderRef, 'fallback'>): AnyProvider => {
      const entry = this.byKind.get(kind)?.get(r.provider);
      if (!entry?.factory)
        throw new ProviderError({
          provider: `${r.provider}.${kind}`,
          retryable: false,
          message: `The ${kind} provider '${r.provider}' is not available in this build.`,
        });
      const tenantKey = options.keys?.[r.provider];
      return bindRef(
        entry.factory.create({ clock: options.clock, ref: r, env: this.env, tenantKey }) as AnyProvider,
        r,
      );
    };
    const primary = make(resolution.primary);
    const fallback = resolution.fallback ? make(resolution.fallback) : undefined;
    if (primary.kind === 'realtime') return primary as ProviderOf<K>;
    const resilience = {
      clock: options.clock,
      retry: options.retry,
      onFallback: options.onFallback,
      onRetry: options.onRetry,
    };
    return withFallback(primary as never, fallback as never, resilience) as ProviderOf<K>;
  }

  private async check(factory: ProviderFactory<ProviderKind>): Promise<Availability> {
    if (factory.check) return factory.check(this.env);
    return factory.configured?.(this.env) === false ? { ok: false, reason: 'not configured' } : { ok: true };
  }
}

/** The offline providers that ship with every build (sandbox.md). */
export function defaultProviderRegistry(env: NodeJS.ProcessEnv = process.env): ProviderRegistry {
  const registry = new ProviderRegistry(env);
  registry.register(
    {
      id: 'sandbox',
      kind: 'stt',
      offline: true,
      description: "Reads the words the sandbox carrier's callees speak, with realistic timing.",
    },
    { create: ({ clock, ref }) => new SandboxStt({ ...sandboxSttSettings(ref.options), clock }) },
  );
  registry.register(
    {
      id: 'scripted',
      kind: 'llm',
      offline: true,
      description: "A deterministic dialogue policy driven by the agent's prompt, objective and extraction schema.",
    },
    { create: () => new ScriptedLlm() },
  );
  registry.register(
    {
      id: 'espeak',
      kind: 'tts',
      offline: true,
      description: 'espeak-ng speech synthesis: real audio, no network.',
    },
    { create: ({ clock }) => new EspeakTts({ clock }), check: () => espeakAvailability() },
  );
  const compatible = 'any OpenAI-compatible server (OPENAI_BASE_URL or the agent option base_url)';
  registry.register(
    { id: 'openai', kind: 'llm', offline: false, description: `Chat Completions, streaming, on ${compatible}.` },
    openAiLlmFactory,
  );
  registry.register(
    { id: 'openai', kind: 'stt', offline: false, description: `Batch transcription per utterance on ${compatible}.` },
    openAiSttFactory,
  );
  registry.register(
    { id: 'openai', kind: 'tts', offline: false, description: `Speech, streamed as PCM, on ${compatible}.` },
    openAiTtsFactory,
  );
  registry.register(
    { id: 'deepgram', kind: 'stt', offline: false, description: 'Deepgram live streaming transcription (WebSocket).' },
    deepgramSttFactory,
  );
  registry.register(
    { id: 'elevenlabs', kind: 'tts', offline: false, description: 'ElevenLabs WebSocket input streaming synthesis.' },
    elevenLabsTtsFactory,
  );
  registry.register(
    { id: 'openai', kind: 'realtime', offline: false, description: 'OpenAI Realtime speech to speech (WebSocket).' },
    openAiRealtimeFactory,
  );
  return registry;
}
