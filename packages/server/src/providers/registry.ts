/**
 * The providers this build can run, by kind. An agent's `stt`, `llm`, `tts` and `realtime`
 * settings are checked against it when the agent is saved, so a typo fails at once rather than
 * on the phone. The voice-engine issue attaches the implementations; the cloud adapters
 * (deepgram, openai, elevenlabs) register here when they land.
 */
export const PROVIDER_KINDS = ['stt', 'llm', 'tts', 'realtime'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export interface ProviderInfo {
  /** The id agents name (`sandbox`, `deepgram`). */
  id: string;
  kind: ProviderKind;
  /** Runs without network or keys. */
  offline: boolean;
  description: string;
}

export class ProviderRegistry {
  private readonly byKind = new Map<ProviderKind, Map<string, ProviderInfo>>();

  register(info: ProviderInfo): void {
    let kind = this.byKind.get(info.kind);
    if (!kind) {
      kind = new Map();
      this.byKind.set(info.kind, kind);
    }
    kind.set(info.id, info);
  }

  get(kind: ProviderKind, id: string): ProviderInfo | undefined {
    return this.byKind.get(kind)?.get(id);
  }

  ids(kind: ProviderKind): string[] {
    return [...(this.byKind.get(kind)?.keys() ?? [])];
  }

  list(): ProviderInfo[] {
    return [...this.byKind.values()].flatMap((m) => [...m.values()]);
  }
}

/** The offline providers that ship with every build (sandbox.md). */
export function defaultProviderRegistry(): ProviderRegistry {
  const registry = new ProviderRegistry();
  registry.register({
    id: 'sandbox',
    kind: 'stt',
    offline: true,
    description: "Reads the words the sandbox carrier's callees speak, with realistic timing.",
  });
  registry.register({
    id: 'scripted',
    kind: 'llm',
    offline: true,
    description: "A deterministic dialogue policy driven by the agent's prompt, objective and extraction schema.",
  });
  registry.register({
    id: 'espeak',
    kind: 'tts',
    offline: true,
    description: 'espeak-ng speech synthesis: real audio, no network.',
  });
  return registry;
}
