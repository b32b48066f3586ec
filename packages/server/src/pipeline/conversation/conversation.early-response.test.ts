import { describe, expect, it } from 'vitest';
import { harness } from '../testing/conversation-harness.js';

describe('early response on a confident transcript', () => {
  it('starts the model during the endpointing delay and uses its answer when the turn ends with the same words', async () => {
    const h = harness({}, { responses: [{ text: 'Great, see you Tuesday.' }] }, { earlyResponse: {} });
    h.call.answer();
    await h.clock.advance(4000);
    await h.userSays('Tuesday works for me'); // speech ends at 5000, the final comes at 5100
    await h.clock.advance(10);
    expect(h.llm.requests).toHaveLength(1); // started on the final, before the endpoint (5400)
    await h.clock.advance(3000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(h.llm.requests).toHaveLength(1);
    expect(h.llm.requests[0]?.context.messages.at(-1)).toEqual({ role: 'user', content: 'Tuesday works for me' });
    // The model's 200 ms ran inside the 300 ms endpointing wait: audio at endpoint + TTS 100 ms,
    // where it is 5700 without the early start (conversation.test.ts).
    expect(result.turns[0]).toMatchObject({ endpoint: 5400, first_audio_out: 5500, platform_ms: 0 });
    expect(result.transcript.at(-1)).toMatchObject({ role: 'agent', text: 'Great, see you Tuesday.' });
  });

  it('cancels the early answer when the caller goes on, and answers the whole turn', async () => {
    const h = harness(
      {},
      { responses: [{ text: 'Early answer.' }, { text: 'After noon on Tuesday, noted.' }] },
      { earlyResponse: {} },
    );
    h.call.answer();
    await h.clock.advance(4000);
    await h.userSays('Tuesday works');
    await h.clock.advance(10);
    expect(h.llm.requests).toHaveLength(1);
    await h.clock.advance(140); // a pause, not the end: the caller goes on before the endpoint
    h.vad.start();
    await h.clock.advance(10);
    expect(h.llm.requests[0]?.aborted).toBe(true);
    await h.clock.advance(800);
    h.vad.end();
    await h.clock.advance(100);
    h.stt.sessions[0]?.emit({ type: 'final', text: 'but only after noon', endOfUtterance: true });
    await h.clock.advance(3000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(h.llm.requests).toHaveLength(2);
    expect(h.llm.requests[1]?.context.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Tuesday works but only after noon',
    });
    expect(result.transcript.map((l) => l.text)).not.toContain('Early answer.');
    expect(result.transcript.map((l) => [l.role, l.text])).toEqual([
      ['agent', 'Hi, this is an AI assistant calling from Acme.'],
      ['user', 'Tuesday works but only after noon'],
      ['agent', 'After noon on Tuesday, noted.'],
    ]);
  });

  it('does not start on an interim below the confidence bar', async () => {
    const h = harness({}, { responses: [{ text: 'Okay.' }] }, { earlyResponse: { minConfidence: 0.9 } });
    h.call.answer();
    await h.clock.advance(4000);
    h.vad.start();
    await h.clock.advance(800);
    h.vad.end();
    h.stt.sessions[0]?.emit({ type: 'interim', text: 'maybe', confidence: 0.5 });
    await h.clock.advance(50);
    expect(h.llm.requests).toHaveLength(0);
    h.stt.sessions[0]?.emit({ type: 'interim', text: 'maybe Tuesday', confidence: 0.95 });
    await h.clock.advance(10);
    expect(h.llm.requests).toHaveLength(1);
    await h.convo.hangup();
  });
});
