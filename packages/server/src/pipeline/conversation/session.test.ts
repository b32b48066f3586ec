import { describe, expect, it } from 'vitest';
import { SandboxCarrier } from '../../carriers/sandbox/carrier.js';
import { createSyntheticVoice } from '../../carriers/sandbox/synthetic-voice.js';
import { defaultProviderRegistry } from '../../providers/registry.js';
import { fakeProviderError } from '../../providers/testing/fake-failure.js';
import { FakeLlm } from '../../providers/testing/fake-llm.js';
import { agentConfig } from '../testing/conversation-harness.js';
import { runSandboxConversation } from '../testing/sandbox-session.js';

const carrier = new SandboxCarrier({ voice: createSyntheticVoice() });
const agent = agentConfig({
  first_message: 'Hello, this is Acme calling.',
  tools: [{ type: 'end_call' }],
  extraction_schema: { type: 'object', properties: { ok: { type: 'boolean', description: 'Is Tuesday ok?' } } },
});

describe('startSession', () => {
  it('test mode: offline providers, the energy VAD, and no recording file for a call nobody answered', async () => {
    const { result } = await runSandboxConversation({
      scenario: 'busy',
      carrier,
      agent: agentConfig({ llm: { provider: 'openai', model: 'gpt-4o' } }),
      recordingPath: '/nonexistent-dir/never-written.wav',
    });
    expect(result.providers).toEqual({ stt: 'sandbox.stt', llm: 'scripted.llm', tts: 'espeak.tts', vad: 'energy' });
    expect(result.recording).toBeNull();
    expect(result.endReason).toBe('busy');
  });

  it('live mode: a failing LLM hands over to the agent’s fallback and the call goes on', async () => {
    const registry = defaultProviderRegistry();
    registry.register(
      { id: 'flaky', kind: 'llm', offline: false, description: 'fails every request' },
      {
        create: ({ clock }) =>
          new FakeLlm({
            clock,
            label: 'flaky.llm',
            fail: { at: 'connect', error: fakeProviderError('flaky.llm', { status: 503 }) },
          }),
      },
    );
    const { result, events } = await runSandboxConversation({
      scenario: 'human_cooperative',
      carrier,
      registry,
      mode: 'live',
      agent: { ...agent, llm: { provider: 'flaky', fallback: { provider: 'scripted' } } },
    });
    const fallbacks = events.filter((e) => e.type === 'provider.fallback');
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toMatchObject({ event: { kind: 'llm', from: 'flaky.llm', to: 'scripted.llm' } });
    expect(result.endReason).toBe('hangup_agent');
    expect(result.transcript.map((l) => l.text)).toEqual([
      'Hello, this is Acme calling.',
      'Yes, that works for me.',
      'Great. Is Tuesday ok?',
      'Sure, go ahead.',
      "Great. That's everything I needed. Thank you for your time, goodbye!",
    ]);
    expect(events.some((e) => e.type === 'error')).toBe(false);
  });
});
