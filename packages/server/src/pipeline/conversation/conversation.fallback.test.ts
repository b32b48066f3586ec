import { describe, expect, it } from 'vitest';
import { fakeProviderError } from '../../providers/testing/fake-failure.js';
import { FakeLlm } from '../../providers/testing/fake-llm.js';
import { FakeStt } from '../../providers/testing/fake-stt.js';
import { FakeTts } from '../../providers/testing/fake-tts.js';
import { harness } from '../testing/conversation-harness.js';

/**
 * The agent's fallback providers as the registry wraps them in (`providers/fallback.ts`), seen
 * from the conversation: the call goes on, nothing is said twice, no error reaches the pipeline.
 */
describe('provider fallback during a call', () => {
  it('STT: the primary dies mid-utterance, the fallback takes over and the caller is answered', async () => {
    const h = harness(
      {},
      { responses: [{ text: 'Tuesday it is.' }] },
      {
        fallback: { stt: (clock) => new FakeStt({ clock, label: 'backup.stt' }) },
        // The vendor drops the connection after the first interim.
        sttFail: { at: 'mid_stream', afterEvents: 1, error: fakeProviderError('fake.stt', { status: 503 }) },
      },
    );
    h.call.answer();
    await h.clock.advance(4000);
    const primary = h.stt.sessions[0];
    h.vad.start();
    primary?.emit({ type: 'interim', text: 'Tuesday' });
    await h.clock.advance(1000);
    expect(h.fallback.stt?.sessions).toHaveLength(0);
    primary?.emit({ type: 'interim', text: 'Tuesday works' });
    await h.clock.advance(10);
    // The wrapper opened the fallback's session in its place.
    const backup = h.fallback.stt?.sessions[0];
    expect(backup).toBeDefined();
    h.vad.end();
    await h.clock.advance(100);
    backup?.emit({ type: 'final', text: 'Tuesday works', endOfUtterance: true });
    await h.clock.advance(3000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(result.endReason).toBe('hangup_agent');
    expect(result.transcript.map((l) => l.text)).toContain('Tuesday works');
    expect(result.transcript.at(-1)?.text).toBe('Tuesday it is.');
    expect(h.events.some((e) => e.type === 'error')).toBe(false);
  });

  it('TTS: the primary fails mid-sentence, the fallback finishes it without repeating what was played', async () => {
    const h = harness(
      { silence_timeout_sec: 600 },
      {},
      {
        fallback: { tts: (clock) => new FakeTts({ clock, label: 'backup.tts', firstByteMs: 100, msPerChar: 50 }) },
        // The first message's synthesis fails after two 100 ms chunks.
        ttsFail: { at: 'mid_stream', afterEvents: 2, error: fakeProviderError('fake.tts', { status: 500 }) },
      },
    );
    h.call.answer();
    await h.clock.advance(8000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    const text = 'Hi, this is an AI assistant calling from Acme.';
    expect(result.transcript).toHaveLength(1);
    expect(result.transcript[0]).toMatchObject({ role: 'agent', text });
    expect(result.transcript[0]?.interrupted).toBeUndefined();
    expect(h.fallback.tts?.sessions[0]?.segments).toEqual([text]);
    // Played once: 50 ms a character, not the first 200 ms twice (20 ms of padding at most).
    const sent = h.call.sentAt.length * 20;
    expect(Math.abs(sent - text.length * 50)).toBeLessThanOrEqual(40);
    expect(h.events.some((e) => e.type === 'error')).toBe(false);
  });

  it('LLM: once the primary failed, the rest of the call goes straight to the fallback', async () => {
    const h = harness(
      {},
      {
        responses: [{ text: 'never heard' }],
        fail: { at: 'connect', error: fakeProviderError('fake.llm', { status: 500 }) },
      },
      {
        fallback: {
          llm: (clock) =>
            new FakeLlm({
              clock,
              label: 'backup.llm',
              responses: [{ text: 'First answer.' }, { text: 'Second answer.' }],
            }),
        },
      },
    );
    h.call.answer();
    await h.clock.advance(4000);
    await h.userSays('first question');
    await h.clock.advance(3000);
    await h.userSays('second question');
    await h.clock.advance(3000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(result.transcript.filter((l) => l.role === 'agent').map((l) => l.text)).toEqual([
      'Hi, this is an AI assistant calling from Acme.',
      'First answer.',
      'Second answer.',
    ]);
    expect(h.llm.requests).toHaveLength(1);
    expect(h.fallback.llm?.requests).toHaveLength(2);
  });

  it('LLM: a re-run that would say something else than what was already spoken is dropped', async () => {
    const h = harness(
      { silence_timeout_sec: 600 },
      {
        responses: [{ text: 'Your appointment is on Tuesday at ten.' }],
        fail: { at: 'mid_stream', afterEvents: 2, error: fakeProviderError('fake.llm', { status: 500 }) },
      },
      {
        fallback: {
          llm: (clock) =>
            new FakeLlm({ clock, label: 'backup.llm', responses: [{ text: 'Let me check that for you.' }] }),
        },
      },
    );
    h.call.answer();
    await h.clock.advance(4000);
    await h.userSays('when is it');
    await h.clock.advance(4000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    const said = result.transcript.filter((l) => l.role === 'agent').map((l) => l.text);
    expect(said.at(-1)).toBe('Your appointment');
    expect(said.join(' ')).not.toContain('Let me check');
    expect(h.fallback.llm?.requests).toHaveLength(1);
  });
});
