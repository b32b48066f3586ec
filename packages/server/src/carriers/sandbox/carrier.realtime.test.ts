import { describe, expect, it } from 'vitest';
import { RealClock, VirtualClock } from '../../pipeline/clocks.js';
import { SandboxCarrier, sandboxCallClock } from './carrier.js';
import { createEspeakVoice } from './espeak-voice.js';
import { TestAgent } from './test-agent.js';

describe('a sandbox call on a real clock, with the espeak-ng voice', () => {
  it('paces frames every 20 ms of wall time and speaks real audio with marks', async () => {
    const clock = new RealClock();
    const carrier = new SandboxCarrier({
      voice: createEspeakVoice(),
      timing: { postDialMs: 20, answerAfterMs: 50 },
    });
    const call = await carrier.dial({ callId: 'call_rt', to: '+15005550010', from: '+15005551000', clock });
    const agent = new TestAgent(call, clock, { firstMessageMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await call.hangup();
    const times = agent.inbound.map((f) => f.at);
    const spanMs = (times.at(-1) as number) - (times[0] as number);
    // One frame per 20 ms on average (timer wake-ups jitter; the deadlines do not drift).
    expect(Math.abs(times.length - 1 - spanMs / 20)).toBeLessThanOrEqual(5);
    const marked = agent.inbound.filter((f) => f.mark);
    expect(marked[0]?.mark?.text).toBe('Could you call me back tomorrow afternoon?');
    expect(Math.max(...marked.map((f) => f.rms))).toBeGreaterThan(2000);
  });
});

describe('sandboxCallClock', () => {
  it('runs a call on the fast clock only when the server is fast and the request did not ask for realtime', () => {
    const fast = new VirtualClock();
    const real = new RealClock();
    expect(sandboxCallClock({ serverClock: 'fast', fast, real })).toBe(fast);
    expect(sandboxCallClock({ serverClock: 'fast', requested: 'realtime', fast, real })).toBe(real);
    expect(sandboxCallClock({ serverClock: 'realtime', fast, real })).toBe(real);
  });
});
