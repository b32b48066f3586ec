import { describe, expect, it } from 'vitest';
import type { LlmContext, LlmDelta, LlmMessage, LlmTool, LlmToolCall } from './llm.js';
import { ScriptedLlm } from './scripted.js';

const tool = (name: string, properties: Record<string, unknown> = {}): LlmTool => ({
  name,
  description: name,
  parameters: { type: 'object', properties },
});
const BUILT_INS = [tool('end_call', { reason: { type: 'string' } }), tool('add_to_dnc'), tool('transfer_call')];
const SCRIPT: LlmContext['script'] = {
  firstMessage: 'Hi, this is Scout from Acme Dental, an automated assistant. Is this Jordan?',
  objective: 'Confirm the appointment',
  extractionSchema: {
    type: 'object',
    properties: {
      confirmed: { type: 'boolean', description: 'Whether you will attend the appointment' },
      preferred_time: { type: 'string' },
      email: { type: 'string', description: 'What email should we send the reminder to?' },
    },
  },
};

/** Plays a conversation: each caller line gets the policy's whole reply; tool calls get a result. */
async function converse(lines: string[], tools = BUILT_INS, script = SCRIPT) {
  const llm = new ScriptedLlm();
  const messages: LlmMessage[] = [];
  const said: string[] = [];
  const calls: string[] = [];
  const turn = async () => {
    for (;;) {
      let text = '';
      const toolCalls: LlmToolCall[] = [];
      const deltas: LlmDelta[] = [];
      for await (const d of llm.stream({ messages, tools, script }, {})) deltas.push(d);
      for (const d of deltas) {
        if (d.type === 'text') text += d.text;
        if (d.type === 'tool_call') toolCalls.push(d.call);
      }
      expect(deltas.at(-1)?.type).toBe('done');
      if (text) said.push(text.trim());
      messages.push({ role: 'assistant', content: text, ...(toolCalls.length ? { toolCalls } : {}) });
      for (const c of toolCalls) {
        calls.push(`${c.name}${c.arguments === '{}' ? '' : c.arguments}`);
        messages.push({ role: 'tool', toolCallId: c.id, content: 'ok' });
      }
      if (!toolCalls.length || toolCalls.some((c) => c.name === 'end_call' || c.name === 'transfer_call')) return;
    }
  };
  await turn();
  for (const line of lines) {
    if (calls.some((c) => c.startsWith('end_call') || c.startsWith('transfer_call'))) break;
    messages.push({ role: 'user', content: line });
    await turn();
  }
  return { said, calls };
}

describe('ScriptedLlm', () => {
  it('cooperative callee: first message, the schema questions in order with acknowledgements, then end_call', async () => {
    const { said, calls } = await converse([
      'Yes, speaking.',
      'Yes, I can.',
      'Tomorrow afternoon would be best.',
      'jordan@example.com',
      'Thanks, bye.',
    ]);
    expect(said).toEqual([
      'Hi, this is Scout from Acme Dental, an automated assistant. Is this Jordan?',
      'Great. Can you confirm you will attend the appointment?',
      'Great. What is your preferred time?',
      'Perfect. What email should we send the reminder to?',
      "Thank you. That's everything I needed. Thank you for your time, goodbye!",
    ]);
    expect(calls).toEqual(['end_call{"reason":"completed"}']);
  });

  it('uses the script questions when given, and streams small deltas', async () => {
    const llm = new ScriptedLlm();
    const deltas: LlmDelta[] = [];
    const context: LlmContext = {
      messages: [
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Hi.' },
      ],
      tools: [],
      script: { questions: ['Would you like to renew your subscription for another year?'] },
    };
    for await (const d of llm.stream(context, {})) deltas.push(d);
    const texts = deltas.filter((d) => d.type === 'text');
    expect(texts.length).toBeGreaterThan(5);
    expect(texts.map((d) => d.type === 'text' && d.text).join('')).toBe(
      'Thank you. Would you like to renew your subscription for another year?',
    );
  });

  it('do-not-call request: add_to_dnc, then a short goodbye and end_call', async () => {
    const { said, calls } = await converse(['Please put me on your do not call list.']);
    expect(calls).toEqual(['add_to_dnc', 'end_call{"reason":"dnc_requested"}']);
    expect(said.at(-1)).toBe("Understood, we won't call you again. Goodbye.");
  });

  it('asks for a human: transfer_call when the agent has it, otherwise says it cannot and goes on', async () => {
    const withTransfer = await converse(['Yes.', 'Can I speak to a real person please?']);
    expect(withTransfer.calls).toEqual(['transfer_call']);
    expect(withTransfer.said.at(-1)).toBe('Of course, let me transfer you to a colleague now.');

    const without = await converse(['Yes.', 'I want to talk to a human.'], [tool('end_call')]);
    expect(without.calls).toEqual([]);
    expect(without.said.at(-1)).toBe(
      "I'm sorry, I can't transfer you to a person on this call. What is your preferred time?",
    );
  });

  it('call-back request: acknowledges the time asked for and ends', async () => {
    const { said, calls } = await converse(["I'm busy right now, can you call me back tomorrow afternoon?"]);
    expect(said.at(-1)).toBe("Of course, we'll call you back tomorrow afternoon. Thank you, goodbye!");
    expect(calls).toEqual(['end_call{"reason":"callback_requested"}']);
  });

  it('never calls a tool the context does not offer', async () => {
    const { calls, said } = await converse(['Stop calling me.'], []);
    expect(calls).toEqual([]);
    expect(said.at(-1)).toBe("Understood, we won't call you again. Goodbye.");
  });

  it('is deterministic: the same conversation gets the same replies', async () => {
    const lines = ['Yes.', 'No, not really.', 'Next Tuesday at 3 pm.', 'a@b.co'];
    expect(await converse(lines)).toEqual(await converse(lines));
  });
});
