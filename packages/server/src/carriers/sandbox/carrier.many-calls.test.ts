import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../pipeline/clocks.js';
import { SandboxCarrier } from './carrier.js';
import { FrameTicker } from './frame-ticker.js';
import { listScenarios } from './scenarios.js';
import { createSyntheticVoice } from './synthetic-voice.js';
import { TestAgent } from './test-agent.js';

describe('many sandbox calls on one virtual clock', () => {
  it('runs 200 concurrent calls of every scenario to their end', async () => {
    const clock = new VirtualClock();
    const carrier = new SandboxCarrier({ voice: createSyntheticVoice() });
    const ticker = new FrameTicker(clock);
    const numbers = listScenarios().map((s) => s.number);
    const scenarioNumber = (name: string) => listScenarios().find((s) => s.name === name)!.number;
    const agents = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const call = await carrier.dial({
          callId: `call_${i}`,
          to: numbers[i % numbers.length] as string,
          from: '+15005551000',
          clock,
        });
        return new TestAgent(call, clock, {
          record: false,
          firstMessageMs: 2000,
          reply: { delayMs: 400, speakMs: 1200 },
          ticker,
        });
      }),
    );
    // The agent ends any call still up after a minute (the silent callee never does).
    clock.setTimer(60_000, () => {
      for (const agent of agents) void agent.call.hangup();
    });
    await clock.run({ until: () => agents.every((a) => a.done) });
    expect(carrier.activeCalls).toBe(0);
    const reasons = new Map<string, number>();
    for (const agent of agents) {
      const ended = agent.events.find((e) => e.type === 'ended');
      const key = ended?.type === 'ended' ? ended.reason : 'none';
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    // 200 calls over the 11 scenarios in order: the first two get 19 calls, the rest 18.
    const callsOf = (name: string) => Math.ceil((200 - numbers.indexOf(scenarioNumber(name))) / numbers.length);
    expect(reasons.get('busy')).toBe(callsOf('busy'));
    expect(reasons.get('no_answer')).toBe(callsOf('no_answer'));
    expect(reasons.get('carrier_error')).toBe(callsOf('carrier_error'));
    const failed = callsOf('busy') + callsOf('no_answer') + callsOf('carrier_error');
    expect((reasons.get('hangup_user') ?? 0) + (reasons.get('hangup_agent') ?? 0)).toBe(200 - failed);
    const cooperative = agents.filter((_agent, i) => i % numbers.length === 0);
    expect(cooperative.every((a) => carrier.callee(a.call.carrierCallId)!.lines.length >= 3)).toBe(true);
    expect(clock.pending).toBe(0);
  });
});
