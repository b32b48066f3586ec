import { describe, expect, it } from 'vitest';
import { fakeProviderError } from '../../providers/testing/fake-failure.js';
import { FakeLlm } from '../../providers/testing/fake-llm.js';
import { harness, runUntilEnded } from '../testing/conversation-harness.js';

describe('startConversation', () => {
  it('speaks the first message at once on answer and records it whole', async () => {
    const h = harness({ silence_timeout_sec: 600 });
    h.call.answer();
    await h.clock.advance(5000);
    // TTS first byte 100 ms, then the pacer starts at once.
    expect(h.call.sentAt[0]).toBe(100);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(result.transcript[0]).toMatchObject({
      role: 'agent',
      text: 'Hi, this is an AI assistant calling from Acme.',
    });
    expect(result.transcript[0]?.interrupted).toBeUndefined();
    expect(result.latency.first_response_ms).toBe(100);
    expect(h.call.hungUp).toBe(true);
  });

  it('answers a caller turn and measures its latency on one clock', async () => {
    const h = harness({}, { responses: [{ text: 'Great, see you Tuesday.' }] });
    h.call.answer();
    await h.clock.advance(4000);
    await h.userSays('Tuesday works for me');
    await h.clock.advance(5000);
    const latency = h.events.find((e) => e.type === 'turn.latency');
    expect(latency).toBeDefined();
    if (latency?.type !== 'turn.latency') return;
    const l = latency.latency;
    // Speech ends at 5000; final at 5100; endpoint 300 ms later; LLM 200 ms; TTS 100 ms.
    expect(l).toMatchObject({ caller_speech_end: 5000, stt_final: 5100, endpoint: 5400, llm_first_token: 5600 });
    expect(l.tts_first_byte).toBe(5700);
    expect(l.first_audio_out).toBe(5700);
    expect(l.platform_ms).toBe(0);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(result.transcript.map((t) => [t.role, t.text])).toEqual([
      ['agent', 'Hi, this is an AI assistant calling from Acme.'],
      ['user', 'Tuesday works for me'],
      ['agent', 'Great, see you Tuesday.'],
    ]);
    expect(h.llm.requests[0]?.context.messages.at(-1)).toEqual({ role: 'user', content: 'Tuesday works for me' });
  });

  it('barge-in stops the audio, clears the carrier, cancels the turn and cuts the line at what was played', async () => {
    const long = 'Let me tell you about our offer. It includes many features that you will certainly love a lot.';
    const h = harness(
      { interruptions: { enabled: true, min_words: 2 } },
      { responses: [{ text: long }] },
      { realtimeTts: true },
    );
    h.call.answer();
    await h.clock.advance(4000);
    await h.userSays('tell me more');
    await h.clock.advance(1600); // the reply started at ~5700: about 1.3 s of it has played
    const onset = h.clock.now();
    h.vad.start();
    await h.clock.advance(400);
    expect(h.call.clears).toHaveLength(1);
    const stoppedWithin = (h.call.clears[0] as number) - onset;
    expect(stoppedWithin).toBeLessThanOrEqual(300);
    const sentAfter = h.call.sentAt.filter((t) => t > (h.call.clears[0] as number));
    expect(sentAfter).toHaveLength(0);
    expect(h.tts.sessions.at(-1)?.aborted).toBe(true);
    const cut = h.events.find((e) => e.type === 'agent.interrupted');
    expect(cut?.type === 'agent.interrupted' && long.startsWith(cut.text) && cut.text.length < long.length).toBe(true);
    await h.convo.hangup();
    const line = (await h.convo.ended).transcript.find((t) => t.interrupted);
    expect(line?.role).toBe('agent');
    expect(line?.text.length).toBeGreaterThan(10);
    // What was played: ~1.5 s at 50 ms per character ≈ 30 characters.
    expect(Math.abs((line?.text.length ?? 0) - 30)).toBeLessThan(12);
  });

  it('reprompts once after the silence timeout, then ends with silence_timeout', async () => {
    const h = harness({ silence_timeout_sec: 5 });
    h.call.answer();
    const result = await runUntilEnded(h.clock, h.convo.ended);
    expect(result.endReason).toBe('silence_timeout');
    expect(result.transcript.map((t) => t.text)).toEqual([
      'Hi, this is an AI assistant calling from Acme.',
      'Are you still there?',
    ]);
  });

  it('says goodbye at max duration and hangs up after it', async () => {
    const h = harness({ max_duration_sec: 10, silence_timeout_sec: 600 });
    h.call.answer();
    const result = await runUntilEnded(h.clock, h.convo.ended);
    expect(result.endReason).toBe('max_duration');
    expect(result.transcript.at(-1)?.text).toMatch(/time limit/);
    expect(result.durationMs).toBeGreaterThan(10_000);
    expect(h.call.hungUp).toBe(true);
  });

  it('ends the call cleanly with provider_error when the LLM fails and there is no fallback', async () => {
    const h = harness({}, { fail: { at: 'connect', error: fakeProviderError('fake.llm', { status: 401 }) } });
    h.call.answer();
    await h.clock.advance(4000);
    await h.userSays('hello?');
    const result = await runUntilEnded(h.clock, h.convo.ended);
    expect(result.endReason).toBe('provider_error');
    expect(h.events.some((e) => e.type === 'error' && e.fatal)).toBe(true);
  });

  it('falls back to the fallback LLM when the primary fails', async () => {
    const h = harness(
      {},
      { fail: { at: 'connect', error: fakeProviderError('fake.llm', { status: 503 }) } },
      {
        fallback: {
          llm: (clock) => new FakeLlm({ clock, label: 'backup.llm', responses: [{ text: 'Backup here.' }] }),
        },
      },
    );
    h.call.answer();
    await h.clock.advance(4000);
    await h.userSays('hello?');
    await h.clock.advance(3000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(result.endReason).toBe('hangup_agent');
    expect(result.transcript.at(-1)).toMatchObject({ role: 'agent', text: 'Backup here.' });
    expect(h.fallback.llm?.requests).toHaveLength(1);
    expect(h.events.some((e) => e.type === 'error')).toBe(false);
  });
});
