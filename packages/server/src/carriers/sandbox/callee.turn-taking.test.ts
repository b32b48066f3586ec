import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../pipeline/clocks.js';
import type { CarrierEvent } from '../carrier.js';
import { SandboxCarrier } from './carrier.js';
import { createSyntheticVoice } from './synthetic-voice.js';
import { TestAgent } from './test-agent.js';

const ANSWERED_AT = 8500;

async function answered(to: string, options: { script?: string[]; yieldAfterMs?: number } = {}) {
  const clock = new VirtualClock();
  const carrier = new SandboxCarrier({ voice: createSyntheticVoice() });
  const call = await carrier.dial({
    callId: 'call_test',
    to,
    from: '+15005551000',
    clock,
    sandbox: options.script ? { script: options.script } : undefined,
  });
  const agent = new TestAgent(call, clock, { yieldAfterMs: options.yieldAfterMs });
  await clock.advance(ANSWERED_AT);
  return { clock, call, agent, report: () => carrier.callee(call.carrierCallId)! };
}

describe('the sandbox callee listens before it speaks', () => {
  it('waits until the agent has been quiet for 600 ms, across the agent’s own short pauses', async () => {
    const { clock, call, agent, report } = await answered('+15005550001');
    // 1 s of speech, a 400 ms pause (mid-sentence: not the end), 1 s more, then silence.
    agent.say(1000);
    await clock.advance(1000 + 20);
    expect(agent.speaking).toBe(false);
    await clock.advance(400);
    agent.say(1000);
    await clock.advance(5000);
    const [heard] = report().agentUtterances;
    expect(report().agentUtterances).toHaveLength(1);
    expect(heard!.durationMs).toBe(agent.sentAt.at(-1)! - agent.sentAt[0]! + 20);
    expect(heard!.durationMs).toBeGreaterThanOrEqual(2400);
    const line = report().lines[0]!;
    // It replied on the tick where the agent's quiet reached 600 ms, not before.
    expect(line.startAt - heard!.endAt!).toBe(600 - 20);
    expect(agent.sentAt.every((t) => t < line.startAt)).toBe(true);
    await call.hangup();
  });

  it('says nothing while the agent keeps talking, and the silent callee never speaks', async () => {
    const talker = await answered('+15005550001');
    talker.agent.say(20_000);
    await talker.clock.advance(20_000);
    expect(talker.report().lines).toEqual([]);
    await talker.call.hangup();

    const silent = await answered('+15005550009');
    silent.agent.say(1000);
    await silent.clock.advance(10_000);
    expect(silent.report().lines).toEqual([]);
    expect(silent.agent.inbound.every((f) => f.mark === undefined)).toBe(true);
    await silent.call.hangup();
  });

  it('runs out of lines, says its closing and hangs up 2 s later if the agent has not', async () => {
    const { clock, agent, report } = await answered('+15005550006');
    agent.say(1500);
    await clock.advance(6000);
    expect(report().lines.map((l) => l.text)).toEqual(['Please put me on your do not call list.']);
    agent.say(1500);
    await clock.advance(10_000);
    const lines = report().lines;
    expect(lines.map((l) => l.text)).toEqual(['Please put me on your do not call list.', 'Thank you. Bye.']);
    expect(report().ended).toEqual({ reason: 'hangup_user', at: lines[1]!.endAt! + 2000, by: 'callee' });
    expect(agent.events.at(-1)).toMatchObject({ type: 'ended', reason: 'hangup_user' });
  });

  it('says a script instead of its lines, presses keys and hangs up where the script says', async () => {
    const { clock, agent, report } = await answered('+15005550001', {
      script: ['Hello, who is this?', '[dtmf 42#]', '[hangup]'],
    });
    agent.say(1000);
    await clock.advance(5000);
    agent.say(1000);
    await clock.advance(3000);
    agent.say(1000);
    await clock.advance(3000);
    expect(report().lines.map((l) => l.text)).toEqual(['Hello, who is this?']);
    const dtmf = agent.events.filter((e): e is Extract<CarrierEvent, { type: 'dtmf' }> => e.type === 'dtmf');
    expect(dtmf.map((e) => e.digit)).toEqual(['4', '2', '#']);
    expect(dtmf[1]!.at - dtmf[0]!.at).toBe(200);
    expect(report().dtmfSent).toBe('42#');
    expect(report().ended).toMatchObject({ reason: 'hangup_user', by: 'callee' });
    expect(report().lines[0]!.cut).toBe(false);
  });

  it('answers each of the agent’s turns with its scenario line (callback_later, answers_then_transfer)', async () => {
    const later = await answered('+15005550010');
    later.agent.say(1500);
    await later.clock.advance(6000);
    expect(later.report().lines.map((l) => l.text)).toEqual(['Could you call me back tomorrow afternoon?']);
    await later.call.hangup();

    const transfer = await answered('+15005550011');
    transfer.agent.say(1500);
    await transfer.clock.advance(6000);
    expect(transfer.report().lines.map((l) => l.text)).toEqual(['Can I speak to a real person, please?']);
    await transfer.call.transfer('+15005550100', { mode: 'cold' });
    expect(transfer.report().ended).toMatchObject({ reason: 'transferred', by: 'agent' });
  });

  it('marks a line cut when the call ends in the middle of it', async () => {
    const { clock, call, agent, report } = await answered('+15005550001');
    agent.say(500);
    await clock.advance(1500);
    expect(report().lines[0]!.endAt).toBeNull();
    await call.hangup();
    expect(report().lines[0]).toMatchObject({ cut: true, endAt: clock.now() });
  });
});

describe('the interrupter', () => {
  it('talks over the agent’s second utterance 700 ms in, and measures when the agent stopped', async () => {
    // This agent yields once it has heard 200 ms of the callee over it.
    const { clock, call, agent, report } = await answered('+15005550007', { yieldAfterMs: 200 });
    agent.say(1500);
    await clock.advance(5000);
    expect(report().lines.map((l) => l.text)).toEqual(['Yes, speaking.']);
    await clock.advance(500);
    const secondStart = clock.now() + 20;
    agent.say(5000);
    await clock.advance(6000);
    const { bargeIn, agentStoppedAfterMs, lines, agentUtterances } = report();
    expect(bargeIn).toEqual({ at: secondStart + 700, agentUtterance: 2 });
    expect(lines[1]).toMatchObject({
      text: 'Sorry, can I stop you there for a second?',
      bargeIn: true,
      startAt: bargeIn!.at,
    });
    // The agent heard 200 ms, then cleared: at most one frame more was already at the carrier.
    expect(agentStoppedAfterMs).toBeGreaterThanOrEqual(200);
    expect(agentStoppedAfterMs).toBeLessThanOrEqual(240);
    expect(agentUtterances[1]!.endAt! - bargeIn!.at).toBe(agentStoppedAfterMs);
    await call.hangup();
  });

  it('reports an agent that talks on through the interruption', async () => {
    const { clock, call, agent, report } = await answered('+15005550007');
    agent.say(1500);
    await clock.advance(5000);
    agent.say(4000);
    await clock.advance(6000);
    expect(report().agentStoppedAfterMs).toBe(4000 - 700);
    await call.hangup();
  });

  it('does not barge in on a second utterance shorter than 700 ms; it waits for one long enough', async () => {
    const { clock, call, agent, report } = await answered('+15005550007');
    agent.say(1500);
    await clock.advance(5000);
    agent.say(400);
    await clock.advance(1500);
    expect(report().bargeIn).toBeNull();
    await clock.advance(3000);
    agent.say(3000);
    await clock.advance(4000);
    expect(report().bargeIn?.agentUtterance).toBe(3);
    await call.hangup();
  });
});
