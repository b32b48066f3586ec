import { describe, expect, it } from 'vitest';
import { ConfigError, ProviderError } from '../../errors.js';
import { RealClock } from '../../pipeline/clocks.js';
import { defaultProviderRegistry } from '../registry.js';
import { realtimeBaseUrl } from './openai-factory.js';

describe('registering the streaming adapters', () => {
  it('lists deepgram (stt), elevenlabs (tts) and openai (realtime), configured by their keys', async () => {
    const bare = defaultProviderRegistry({});
    expect(bare.get('stt', 'deepgram')).toMatchObject({ offline: false });
    expect(bare.get('tts', 'elevenlabs')).toMatchObject({ offline: false });
    expect(bare.get('realtime', 'openai')).toMatchObject({ offline: false });
    const available = (await bare.availability()).filter((p) => ['deepgram', 'elevenlabs'].includes(p.id));
    expect(available.map((p) => p.available)).toEqual([false, false]);
    const keyed = await defaultProviderRegistry({
      DEEPGRAM_API_KEY: 'k',
      ELEVENLABS_API_KEY: 'k',
      OPENAI_API_KEY: 'k',
    }).availability();
    const ours = keyed.filter(
      (p) => p.id === 'deepgram' || p.id === 'elevenlabs' || (p.kind === 'realtime' && p.id === 'openai'),
    );
    expect(ours.every((p) => p.available)).toBe(true);
  });

  it('builds them in live mode with the operator key or the tenant key, and refuses without either', () => {
    const clock = new RealClock();
    const keyed = defaultProviderRegistry({ DEEPGRAM_API_KEY: 'op' });
    expect(keyed.create('stt', { provider: 'deepgram' }, { clock, mode: 'live' }).label).toBe('deepgram.stt');
    const bare = defaultProviderRegistry({});
    expect(
      bare.create('tts', { provider: 'elevenlabs' }, { clock, mode: 'live', keys: { elevenlabs: 'mine' } }).label,
    ).toBe('elevenlabs.tts');
    expect(() => bare.create('realtime', { provider: 'openai' }, { clock, mode: 'live' })).toThrow(ProviderError);
    // Test mode has no offline realtime: the registry says so unless real providers are allowed.
    expect(() => bare.create('realtime', { provider: 'openai' }, { clock, mode: 'test' })).toThrow(ConfigError);
  });

  it('turns OPENAI_BASE_URL into the realtime socket base', () => {
    expect(realtimeBaseUrl('https://api.openai.com/v1/')).toBe('wss://api.openai.com/v1');
    expect(realtimeBaseUrl('http://127.0.0.1:8080/v1')).toBe('ws://127.0.0.1:8080/v1');
    expect(realtimeBaseUrl(undefined)).toBeUndefined();
  });
});
