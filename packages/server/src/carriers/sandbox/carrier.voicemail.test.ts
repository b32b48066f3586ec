import { describe, expect, it } from 'vitest';
import { decodeMulaw } from '../../pipeline/audio/g711.js';
import { VirtualClock } from '../../pipeline/clocks.js';
import { SandboxCarrier } from './carrier.js';
import { createSyntheticVoice } from './synthetic-voice.js';
import { TestAgent } from './test-agent.js';

async function voicemailCall() {
  const clock = new VirtualClock();
  const carrier = new SandboxCarrier({ voice: createSyntheticVoice() });
  const call = await carrier.dial({ callId: 'call_test', to: '+15005550004', from: '+15005551000', clock });
  const agent = new TestAgent(call, clock);
  const pcm = new Int16Array(160);
  const beepFrames: number[] = [];
  // Count 1 kHz beep frames: unmarked, loud, and with ~2 zero crossings per ms (1 kHz = 2000 per s).
  call.onAudio((payload, mark) => {
    decodeMulaw(payload, pcm);
    let crossings = 0;
    let energy = 0;
    for (let i = 0; i < pcm.length; i++) {
      energy += (pcm[i] as number) ** 2;
      if (i > 0 && (pcm[i - 1] as number) < 0 !== (pcm[i] as number) < 0) crossings++;
    }
    if (!mark && Math.sqrt(energy / 160) > 3000 && crossings >= 38 && crossings <= 42) beepFrames.push(clock.now());
    agent.inbound.push({ at: clock.now(), mark, rms: Math.sqrt(energy / 160) });
  });
  await clock.advance(8500);
  return { clock, call, agent, beepFrames, report: () => carrier.callee(call.carrierCallId)! };
}

describe('the voicemail scenario', () => {
  it('greets at once, beeps for 500 ms, records the agent’s message and hangs up after 5 s of silence', async () => {
    const { clock, agent, beepFrames, report } = await voicemailCall();
    await clock.advance(8000);
    const greeting = report().lines[0]!;
    expect(greeting.text).toBe(
      "Hi, you've reached Sam. I can't take your call right now. Please leave a message after the tone.",
    );
    expect(greeting.startAt).toBe(8520);
    expect(beepFrames.length).toBe(25);
    expect(beepFrames[0]).toBe(greeting.endAt);
    const voicemail = report().voicemail!;
    expect(voicemail.greetingEndAt).toBe(greeting.endAt);
    expect(voicemail.recordingFrom).toBe(beepFrames.at(-1)! + 20);
    expect(clock.now()).toBeGreaterThan(voicemail.recordingFrom!);

    agent.say(4000);
    await clock.advance(4100);
    expect(report().ended).toBeNull();
    await clock.advance(6000);
    const after = report().voicemail!;
    expect(after.messageMs).toBe(4000);
    expect(after.messageRms).toBeGreaterThan(1500);
    expect(after.agentSpeechDuringGreetingMs).toBe(0);
    expect(report().ended).toEqual({ reason: 'hangup_user', at: after.messageEndAt! + 5000, by: 'callee' });
    // The machine says nothing after the greeting: no speech marks after it.
    expect(agent.inbound.filter((f) => f.mark && f.at >= greeting.endAt!)).toEqual([]);
  });

  it('counts an agent that talks over the greeting, and gives up 15 s after the beep when nobody speaks', async () => {
    const { clock, agent, report } = await voicemailCall();
    agent.say(1000);
    await clock.advance(40_000);
    const voicemail = report().voicemail!;
    expect(voicemail.agentSpeechDuringGreetingMs).toBe(1000);
    expect(voicemail.messageMs).toBe(0);
    expect(report().ended).toMatchObject({ reason: 'hangup_user', at: voicemail.recordingFrom! + 15_000 });
  });
});
