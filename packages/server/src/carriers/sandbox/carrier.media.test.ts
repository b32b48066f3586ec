import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../pipeline/clocks.js';
import { SandboxCarrier } from './carrier.js';
import { createSyntheticVoice } from './synthetic-voice.js';
import { TestAgent, toneFrame } from './test-agent.js';

const ANSWERED_AT = 8500;

async function answeredCall(
  to: string,
  options: { script?: string[]; reply?: { delayMs: number; speakMs: number } } = {},
) {
  const clock = new VirtualClock();
  const carrier = new SandboxCarrier({ voice: createSyntheticVoice() });
  const call = await carrier.dial({
    callId: 'call_test',
    to,
    from: '+15005551000',
    clock,
    sandbox: options.script ? { script: options.script } : undefined,
  });
  const agent = new TestAgent(call, clock, { reply: options.reply });
  await clock.advance(ANSWERED_AT);
  const report = () => carrier.callee(call.carrierCallId)!;
  return { clock, carrier, call, agent, report };
}

describe('sandbox media', () => {
  it('delivers one 160-byte frame exactly every 20 ms of clock time once answered, and none before', async () => {
    const { clock, call, agent } = await answeredCall('+15005550009');
    const sizes: number[] = [];
    call.onAudio((payload) => {
      sizes.push(payload.length);
      agent.inbound.push({ at: clock.now(), mark: undefined, rms: 0 });
    });
    await clock.advance(10_000);
    const times = agent.inbound.map((f) => f.at);
    expect(times.length).toBe(500);
    expect(times[0]).toBeGreaterThan(ANSWERED_AT);
    expect(times[0]).toBeLessThanOrEqual(ANSWERED_AT + 20);
    expect(new Set(times.slice(1).map((t, i) => t - (times[i] as number)))).toEqual(new Set([20]));
    expect(new Set(sizes)).toEqual(new Set([160]));
    await call.hangup();
  });

  it('marks exactly the frames of a callee line, consistent with the audio and the words', async () => {
    const { clock, call, agent, report } = await answeredCall('+15005550001');
    agent.say(1000);
    await clock.advance(4000);
    const line = report().lines[0]!;
    expect(line.text).toBe('Yes, that works for me.');
    const marked = agent.inbound.filter((f) => f.mark);
    const mark = marked[0]!.mark!;
    // One mark per frame, offsets 0, 20, 40 … covering the whole utterance, one utterance id.
    expect(marked.map((f) => f.mark!.offsetMs)).toEqual(marked.map((_, i) => i * 20));
    expect(marked.length * 20).toBe(mark.durationMs);
    expect(new Set(marked.map((f) => f.mark!.utteranceId))).toEqual(new Set([line.utteranceId]));
    expect(marked.every((f) => f.mark!.words === mark.words && f.mark!.text === line.text)).toBe(true);
    expect(mark.words.map((w) => w.text)).toEqual(['Yes,', 'that', 'works', 'for', 'me.']);
    // Marked frames are contiguous in time and start when the report says the line started.
    expect(marked[0]!.at).toBe(line.startAt);
    expect(marked.at(-1)!.at + 20).toBe(line.endAt);
    // Audio inside a word is loud, unmarked frames are a quiet line (comfort noise, not digital zero).
    const inWord = (f: (typeof marked)[number]) =>
      mark.words.some((w) => f.mark!.offsetMs >= w.startMs + 20 && f.mark!.offsetMs + 20 <= w.endMs - 20);
    expect(Math.min(...marked.filter(inWord).map((f) => f.rms))).toBeGreaterThan(300);
    const unmarked = agent.inbound.filter((f) => !f.mark);
    expect(Math.max(...unmarked.map((f) => f.rms))).toBeLessThan(20);
    expect(unmarked.some((f) => f.rms > 0)).toBe(true);
    await call.hangup();
  });

  it('gives each line its own utterance id', async () => {
    const { clock, call, agent, report } = await answeredCall('+15005550001', {
      reply: { delayMs: 300, speakMs: 800 },
    });
    agent.say(1000);
    await clock.advance(15_000);
    const lines = report().lines;
    expect(lines.map((l) => l.text).slice(0, 3)).toEqual([
      'Yes, that works for me.',
      'Sure, go ahead.',
      "Yes, that's right.",
    ]);
    expect(new Set(lines.map((l) => l.utteranceId)).size).toBe(lines.length);
    await call.hangup();
  });

  it('clearAudio drops what the agent queued at the carrier: the callee never hears it', async () => {
    const { clock, call, report } = await answeredCall('+15005550009');
    // A burst of 2 s sent at once (not paced), then cleared after 200 ms of it has played.
    const frame = toneFrame(3000);
    for (let i = 0; i < 100; i++) call.sendAudio(frame);
    await clock.advance(200);
    call.clearAudio();
    await clock.advance(3000);
    expect(report().agentSpeechMs).toBe(200);
    expect(report().agentFramesCleared).toBe(90);
    expect(report().agentUtterances).toEqual([
      { startAt: ANSWERED_AT + 20, endAt: ANSWERED_AT + 220, durationMs: 200 },
    ]);
    await call.hangup();
  });

  it('refuses a frame of the wrong size', async () => {
    const { call } = await answeredCall('+15005550009');
    expect(() => call.sendAudio(new Uint8Array(320))).toThrow(/160 bytes/);
    await call.hangup();
  });
});
