import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../pipeline/clocks.js';
import { agentConfig } from '../../pipeline/testing/conversation-harness.js';
import { runSandboxConversation } from '../../pipeline/testing/sandbox-session.js';
import { defaultProviderRegistry } from '../registry.js';
import { ElevenLabsStandin } from '../tts/testing/elevenlabs-standin.js';
import { DeepgramStandin } from './testing/deepgram-standin.js';

/**
 * A whole sandbox call (sandbox carrier, scripted callee speaking with espeak-ng) in which the
 * agent hears through Deepgram and speaks through ElevenLabs, both against their stand-ins,
 * chosen by the registry from the agent's settings and the environment (test mode with
 * `sandbox_use_real_providers`, as sandbox.md allows). The Deepgram stand-in hears energy, not
 * words, so it is given the callee's lines as its transcripts; what this shows is the adapters
 * carrying a real conversation: turns taken on their finals, the agent's audio reaching the
 * callee, and the call ending as the script says. Real clock (the sockets are real): ~15 s.
 */
const FIRST = 'Hi, this is Alex from Acme Dental.';
const CALLEE = ['Yes, that works for me.', 'Sure, go ahead.', "Yes, that's right."];

let deepgram: DeepgramStandin;
let elevenlabs: ElevenLabsStandin;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  deepgram = new DeepgramStandin({ transcripts: CALLEE });
  elevenlabs = new ElevenLabsStandin({ msPerChar: 25 });
  env = {
    DEEPGRAM_API_KEY: 'dg-test-key',
    DEEPGRAM_BASE_URL: await deepgram.start(),
    ELEVENLABS_API_KEY: 'el-test-key',
    ELEVENLABS_BASE_URL: await elevenlabs.start(),
  };
});

afterAll(async () => {
  await deepgram.stop();
  await elevenlabs.stop();
});

describe('a sandbox call on Deepgram and ElevenLabs', () => {
  it('runs the cooperative scenario to its end through both adapters', { timeout: 60_000 }, async () => {
    const { result, callee } = await runSandboxConversation({
      scenario: 'human_cooperative',
      clock: new RealClock(),
      mode: 'test',
      settings: { sandbox_use_real_providers: true },
      registry: defaultProviderRegistry(env),
      agent: agentConfig({
        first_message: FIRST,
        // Espeak pauses up to ~300 ms at commas: a longer endpointing keeps each line one final.
        stt: { provider: 'deepgram', options: { endpointing: 500 } },
        tts: { provider: 'elevenlabs', voice: 'voice_test' },
        system_prompt: 'Confirm the patient can come on Tuesday at 10.',
        tools: [{ type: 'end_call' }],
        extraction_schema: {
          type: 'object',
          properties: { tuesday_ok: { type: 'boolean', description: 'Can you come on Tuesday at 10?' } },
        },
      }),
    });
    expect(result.providers).toMatchObject({ stt: 'deepgram.stt', tts: 'elevenlabs.tts' });
    const users = result.transcript.filter((l) => l.role === 'user').map((l) => l.text);
    expect(users.slice(0, 2)).toEqual(CALLEE.slice(0, 2));
    expect(result.transcript[0]).toMatchObject({ role: 'agent', text: FIRST });
    expect(result.endReason).toBe('hangup_agent');
    // The callee heard the agent: the ElevenLabs audio reached the line.
    expect(callee.agentUtterances.length).toBeGreaterThanOrEqual(3);
    expect(callee.agentSpeechMs).toBeGreaterThan(1000);
    expect(deepgram.connections.length).toBeGreaterThanOrEqual(1);
    expect(deepgram.connections[0]?.audioBytes).toBeGreaterThan(0);
    expect(elevenlabs.connections.every((c) => c.voiceId === 'voice_test')).toBe(true);
  });
});
