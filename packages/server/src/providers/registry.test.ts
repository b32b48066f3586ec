import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { VirtualClock } from '../pipeline/clocks.js';
import type { FallbackEvent } from './fallback.js';
import { defaultProviderRegistry, ProviderRegistry } from './registry.js';
import type { SttProvider } from './stt/stt.js';
import { fakeProviderError } from './testing/fake-failure.js';
import { FakeStt } from './testing/fake-stt.js';
import { FakeTts } from './testing/fake-tts.js';

/** A registry with the offline providers plus two "cloud" fakes, one configured (its key is set) and one not. */
function registry(env: NodeJS.ProcessEnv = { CLOUD_KEY: 'k' }) {
  const r = defaultProviderRegistry(env);
  const made: { id: string; stt: FakeStt }[] = [];
  for (const id of ['cloud', 'backup', 'keyless']) {
    r.register(
      { id, kind: 'stt', offline: false, description: `${id} STT` },
      {
        create: ({ clock }) => {
          const fail =
            id === 'cloud'
              ? { at: 'connect' as const, error: fakeProviderError('cloud.stt', { status: 401 }) }
              : undefined;
          const stt = new FakeStt({ clock, label: `${id}.stt`, transcripts: [`from ${id}`], fail, interim: false });
          made.push({ id, stt });
          return stt;
        },
        configured: (e) => id !== 'keyless' || Boolean(e.KEYLESS_KEY),
      },
    );
  }
  return { r, made };
}

async function firstFinal(clock: VirtualClock, stt: SttProvider): Promise<string[]> {
  const session = stt.stream({ language: 'en-US', sampleRate: 16000 });
  session.flush();
  session.endInput();
  const texts: string[] = [];
  let done = false;
  void (async () => {
    try {
      for await (const e of session) if (e.type === 'final') texts.push(e.text);
    } finally {
      done = true;
    }
  })();
  await clock.run({ until: () => done });
  return texts;
}

describe('ProviderRegistry', () => {
  it('keeps the metadata API the agent schema validates against', () => {
    const r = defaultProviderRegistry();
    // The provider ids of spec/api.md, offline ones first.
    expect(r.ids('stt')[0]).toBe('sandbox');
    expect(r.ids('llm')[0]).toBe('scripted');
    expect(r.ids('tts')[0]).toBe('espeak');
    expect(r.ids('llm')).toContain('openai');
    expect(r.ids('stt')).toContain('openai');
    expect(r.ids('tts')).toContain('openai');
    expect(r.get('tts', 'espeak')).toMatchObject({ offline: true });
    expect(r.list().filter((p) => p.offline)).toHaveLength(3);
  });

  it('live mode: builds the agent provider bound to its ref, with the fallback taking over on failure', async () => {
    const clock = new VirtualClock();
    const { r, made } = registry();
    const handovers: FallbackEvent[] = [];
    const stt = r.create(
      'stt',
      { provider: 'cloud', model: 'nova', language: 'en-GB', fallback: { provider: 'backup', model: 'base' } },
      { clock, mode: 'live', onFallback: (e) => handovers.push(e) },
    );
    expect(stt.label).toBe('cloud.stt');
    expect(await firstFinal(clock, stt)).toEqual(['from backup']);
    expect(handovers).toMatchObject([{ from: 'cloud.stt', to: 'backup.stt', midStream: false }]);
    const cloud = made.find((m) => m.id === 'cloud')?.stt.sessions[0];
    const backup = made.find((m) => m.id === 'backup')?.stt.sessions[0];
    expect(cloud?.options).toMatchObject({ model: 'nova', language: 'en-GB' });
    // The fallback streams with its own model, and the call's language since its ref has none.
    expect(backup?.options).toMatchObject({ model: 'base', language: 'en-US' });
  });

  it('test mode: the offline provider replaces the agent provider unless the tenant asks for real ones', () => {
    const clock = new VirtualClock();
    const { r } = registry();
    const ref = { provider: 'backup', language: 'de-DE', fallback: { provider: 'cloud' } };
    expect(r.resolve('stt', ref, { mode: 'test' })).toEqual({
      primary: { provider: 'sandbox', language: 'de-DE' },
      substituted: true,
    });
    expect(r.create('stt', ref, { clock, mode: 'test' }).label).toBe('sandbox.stt');
    expect(r.resolve('stt', ref, { mode: 'test', settings: { sandbox_use_real_providers: true } })).toEqual({
      primary: { provider: 'backup', language: 'de-DE' },
      fallback: { provider: 'cloud' },
      substituted: false,
    });
    // Asked for, but not configured on this server: still offline.
    expect(
      r.resolve('stt', { provider: 'keyless' }, { mode: 'test', settings: { sandbox_use_real_providers: true } })
        .substituted,
    ).toBe(true);
    // Live mode never substitutes; an unconfigured fallback is dropped rather than failing mid-call.
    expect(r.resolve('stt', { provider: 'backup', fallback: { provider: 'keyless' } }, { mode: 'live' })).toEqual({
      primary: { provider: 'backup' },
      substituted: false,
    });
  });

  it('builds the offline providers of every kind, and says when test mode has no offline provider', () => {
    const clock = new VirtualClock();
    const r = defaultProviderRegistry();
    expect(r.create('llm', { provider: 'scripted' }, { clock, mode: 'test' }).label).toBe('scripted.llm');
    expect(r.create('tts', { provider: 'espeak' }, { clock, mode: 'live' }).label).toBe('espeak.tts');
    expect(() => r.create('realtime', { provider: 'openai' }, { clock, mode: 'test' })).toThrow(ConfigError);
    expect(() => r.create('stt', { provider: 'nope' }, { clock, mode: 'live' })).toThrow("'nope' is not available");
  });

  it('reports which providers can run here', async () => {
    const r = new ProviderRegistry({});
    r.register(
      { id: 'voice', kind: 'tts', offline: false, description: 'a cloud TTS' },
      { create: ({ clock }) => new FakeTts({ clock }), configured: (env) => Boolean(env.VOICE_KEY) },
    );
    r.register({ id: 'listed', kind: 'tts', offline: false, description: 'metadata only' });
    expect(await r.availability()).toEqual([
      {
        id: 'voice',
        kind: 'tts',
        offline: false,
        description: 'a cloud TTS',
        available: false,
        reason: 'not configured',
      },
    ]);
    const status = await defaultProviderRegistry({}).availability();
    expect(status.filter((s) => s.offline).map((s) => [s.id, s.available])).toEqual([
      ['sandbox', true],
      ['scripted', true],
      ['espeak', true],
    ]);
    // Without keys in the environment no cloud provider can run.
    const cloud = status.filter((s) => !s.offline);
    expect(cloud.length).toBeGreaterThan(0);
    expect(cloud.every((s) => !s.available)).toBe(true);
  });
});
