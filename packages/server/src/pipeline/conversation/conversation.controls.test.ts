import { describe, expect, it } from 'vitest';
import { harness, runUntilEnded } from '../testing/conversation-harness.js';

const FIRST = 'Hi, this is an AI assistant calling from Acme.';

describe('live controls', () => {
  it('say speaks the text after what is queued, without asking the model', async () => {
    const h = harness({ silence_timeout_sec: 600 });
    h.call.answer();
    h.convo.say('One more thing: we moved to Main Street.');
    await h.clock.advance(10_000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(result.transcript.map((l) => [l.role, l.text])).toEqual([
      ['agent', FIRST],
      ['agent', 'One more thing: we moved to Main Street.'],
    ]);
    // Spoken one after the other, not over each other.
    expect(result.transcript[1]?.start_ms).toBeGreaterThanOrEqual(result.transcript[0]?.end_ms as number);
    expect(h.llm.requests).toHaveLength(0);
  });

  it('contextualUpdate gives the model background from the next request on, unspoken', async () => {
    const h = harness({}, { responses: [{ text: 'Yes, we can do 3 pm.' }] });
    h.call.answer();
    await h.clock.advance(4000);
    h.convo.contextualUpdate('The 3 pm slot on Tuesday just opened up.');
    await h.userSays('is there anything on Tuesday afternoon');
    await h.clock.advance(3000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    const messages = h.llm.requests[0]?.context.messages ?? [];
    expect(messages).toContainEqual({ role: 'system', content: 'The 3 pm slot on Tuesday just opened up.' });
    expect(result.transcript.some((l) => l.text.includes('3 pm slot'))).toBe(false);
  });

  it('userMessage is answered by the model as if the caller had said it', async () => {
    const h = harness({}, { responses: [{ text: 'Sure, I can spell it: A C M E.' }] });
    h.call.answer();
    await h.clock.advance(4000);
    h.convo.userMessage('Can you spell the company name?');
    await h.clock.advance(4000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(h.llm.requests[0]?.context.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Can you spell the company name?',
    });
    expect(result.transcript.at(-1)).toMatchObject({ role: 'agent', text: 'Sure, I can spell it: A C M E.' });
    // The operator spoke, not the callee: nobody has shown to be a person yet.
    expect(result.answeredBy).toBe('unknown');
  });
});

describe('DTMF and transfer', () => {
  it('a key the caller presses reaches the model and marks the call as answered by a human', async () => {
    const h = harness({}, { responses: [{ text: 'You pressed two, connecting billing.' }] });
    h.call.answer();
    await h.clock.advance(4000);
    h.call.emit({ type: 'dtmf', digit: '2', at: h.clock.now() });
    await h.userSays('billing please');
    await h.clock.advance(3000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(h.events).toContainEqual({ type: 'dtmf.received', digit: '2', at: 4000 });
    expect(h.llm.requests[0]?.context.messages).toContainEqual({
      role: 'system',
      content: 'The caller pressed 2 on the keypad.',
    });
    expect(result.answeredBy).toBe('human');
  });

  it('send_dtmf presses the keys on the carrier, and refuses digits a keypad does not have', async () => {
    const h = harness(
      { tools: [{ type: 'send_dtmf' }] },
      {
        responses: [
          {
            toolCalls: [
              { name: 'send_dtmf', arguments: { digits: '1#' } },
              { name: 'send_dtmf', arguments: { digits: 'x9' } },
            ],
          },
          { text: 'I chose the English menu.' },
        ],
      },
    );
    h.call.answer();
    await h.clock.advance(4000);
    await h.userSays('for English press one then pound');
    await h.clock.advance(3000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(h.call.dtmfSent).toEqual(['1#']);
    expect(result.toolCalls.map((c) => [c.name, c.ok])).toEqual([
      ['send_dtmf', true],
      ['send_dtmf', false],
    ]);
    expect(result.transcript.at(-1)?.text).toBe('I chose the English menu.');
  });

  it('transfer_call hands the call to the agent’s number after the agent’s last words, without hanging up', async () => {
    const h = harness(
      { tools: [{ type: 'transfer_call', to: '+14155550100', mode: 'warm' }] },
      {
        responses: [
          { text: 'Let me connect you to a colleague.', toolCalls: [{ name: 'transfer_call', arguments: {} }] },
        ],
      },
    );
    h.call.answer();
    await h.clock.advance(4000);
    await h.userSays('I want to talk to a person');
    const result = await runUntilEnded(h.clock, h.convo.ended);
    expect(h.call.transfers).toEqual([{ to: '+14155550100', mode: 'warm' }]);
    expect(result.endReason).toBe('transferred');
    expect(h.call.hungUp).toBe(false);
    expect(result.transcript.at(-1)).toMatchObject({ role: 'agent', text: 'Let me connect you to a colleague.' });
    expect(result.transcript.at(-1)?.interrupted).toBeUndefined();
  });
});
