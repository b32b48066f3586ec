import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCarrier } from '../../carriers/sandbox/carrier.js';
import { createSyntheticVoice } from '../../carriers/sandbox/synthetic-voice.js';
import { agentConfig } from '../../pipeline/testing/conversation-harness.js';
import { runSandboxConversation } from '../../pipeline/testing/sandbox-session.js';
import { defaultProviderRegistry } from '../registry.js';
import { OpenAiStandin } from '../testing/standins/openai-standin.js';

/**
 * A whole call through the real engine with all three OpenAI-compatible adapters (LLM, batch
 * transcription cut by our VAD, PCM speech) against the stand-in, on the sandbox carrier and a
 * virtual clock (the adapters hold it while they wait on the network). The stand-in cannot hear,
 * so it transcribes each utterance as the next line the `human_cooperative` callee says.
 */
const CALLEE_LINES = ['Yes, that works for me.', 'Sure, go ahead.', "Yes, that's right."];

let standin: OpenAiStandin;
beforeAll(async () => {
  standin = await OpenAiStandin.start({ apiKey: 'sk-operator-key-0001' });
  let heard = 0;
  standin.onTranscribe = () => CALLEE_LINES[heard++] ?? 'Okay.';
  standin.onChat = (body) => {
    const messages = body.messages as { role: string; content: string | null }[];
    const answers = messages.filter((m) => m.role === 'user').length;
    if (messages.at(-1)?.role === 'tool') return { text: [] };
    if (answers === 1)
      return { text: ['Great.', ' Is Tuesday', ' at ten ok?'], usage: { prompt_tokens: 60, completion_tokens: 8 } };
    return {
      text: ['Thank you,', ' goodbye!'],
      toolCalls: [{ id: 'call_end', name: 'end_call', arguments: ['{"reason":', '"completed"}'] }],
      usage: { prompt_tokens: 80, completion_tokens: 12 },
    };
  };
});
afterAll(() => standin.close());

describe('a sandbox call on the OpenAI-compatible adapters', () => {
  it('hears the callee, answers with the LLM, speaks with the TTS and ends by its tool call', async () => {
    const registry = defaultProviderRegistry({ OPENAI_BASE_URL: standin.url, OPENAI_API_KEY: 'sk-operator-key-0001' });
    const openai = { provider: 'openai' };
    const { result, events } = await runSandboxConversation({
      scenario: 'human_cooperative',
      carrier: new SandboxCarrier({ voice: createSyntheticVoice() }),
      registry,
      mode: 'test',
      settings: { sandbox_use_real_providers: true },
      vad: 'energy',
      agent: agentConfig({
        first_message: 'Hello, this is Acme calling about your appointment.',
        tools: [{ type: 'end_call' }],
        stt: openai,
        llm: { ...openai, model: 'gpt-4.1-mini' },
        tts: { ...openai, voice: 'nova' },
      }),
    });
    expect(result.providers).toMatchObject({ stt: 'openai.stt', llm: 'openai.llm', tts: 'openai.tts' });
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(result.transcript.map((l) => l.text)).toEqual([
      'Hello, this is Acme calling about your appointment.',
      'Yes, that works for me.',
      'Great. Is Tuesday at ten ok?',
      'Sure, go ahead.',
      'Thank you, goodbye!',
    ]);
    expect(result.endReason).toBe('hangup_agent');
    const paths = standin.requests.map((r) => r.path);
    expect(paths.filter((p) => p.endsWith('/transcriptions')).length).toBeGreaterThanOrEqual(2);
    expect(paths.filter((p) => p.endsWith('/chat/completions')).length).toBeGreaterThanOrEqual(2);
    expect(paths.filter((p) => p.endsWith('/speech')).length).toBeGreaterThanOrEqual(3);
    expect(standin.requests.every((r) => r.authorization === 'Bearer sk-operator-key-0001')).toBe(true);
  }, 30_000);

  it('a caller who talks over the agent cuts its speech: the call goes on with no error', async () => {
    const registry = defaultProviderRegistry({ OPENAI_BASE_URL: standin.url, OPENAI_API_KEY: 'sk-operator-key-0001' });
    const onChat = standin.onChat;
    const onTranscribe = standin.onTranscribe;
    let heard = 0;
    const lines = ['Yes, speaking.', 'Sorry, can I stop you there for a second?', 'Yes, that works for me.'];
    standin.onTranscribe = () => lines[heard++] ?? 'Okay.';
    standin.onChat = (body) => {
      const users = (body.messages as { role: string }[]).filter((m) => m.role === 'user').length;
      if (users === 1)
        return { text: ['I am calling to confirm your appointment on Tuesday at ten in the morning with Doctor Lee.'] };
      if (users === 2) return { text: ['Of course, go ahead.'] };
      return { text: ['Thank you, goodbye!'], toolCalls: [{ id: 'c', name: 'end_call', arguments: ['{}'] }] };
    };
    try {
      const { result, events } = await runSandboxConversation({
        scenario: 'interrupter',
        carrier: new SandboxCarrier({ voice: createSyntheticVoice() }),
        registry,
        mode: 'live',
        vad: 'energy',
        agent: agentConfig({
          first_message: 'Hello, is this Sam?',
          tools: [{ type: 'end_call' }],
          stt: { provider: 'openai' },
          llm: { provider: 'openai' },
          tts: { provider: 'openai' },
        }),
      });
      expect(events.filter((e) => e.type === 'error')).toEqual([]);
      const interrupted = events.filter((e) => e.type === 'agent.interrupted');
      expect(interrupted).toHaveLength(1);
      expect(result.transcript.map((l) => l.text)).toContain('Sorry, can I stop you there for a second?');
      expect(result.transcript.at(-1)?.text).toBe('Thank you, goodbye!');
      expect(result.endReason).toBe('hangup_agent');
    } finally {
      standin.onChat = onChat;
      standin.onTranscribe = onTranscribe;
    }
  }, 30_000);
});
