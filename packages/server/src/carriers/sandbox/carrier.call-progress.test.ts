import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import { VirtualClock } from '../../pipeline/clocks.js';
import type { CarrierEvent } from '../carrier.js';
import { SandboxCarrier } from './carrier.js';
import { createSyntheticVoice, synthesize } from './synthetic-voice.js';
import { TestAgent } from './test-agent.js';

function setup() {
  const clock = new VirtualClock();
  const carrier = new SandboxCarrier({ voice: createSyntheticVoice() });
  const dial = (to: string, sandbox?: { scenario?: string; script?: string[] }, ringTimeoutMs?: number) =>
    carrier.dial({ callId: 'call_test', to, from: '+15005551000', clock, sandbox, ringTimeoutMs });
  return { clock, carrier, dial };
}

function collect(call: { onEvent(listener: (event: CarrierEvent) => void): void }): CarrierEvent[] {
  const events: CarrierEvent[] = [];
  call.onEvent((event) => events.push(event));
  return events;
}

describe('sandbox call progress', () => {
  it('rings after the post-dial delay and answers at the end of the second ring (8.5 s)', async () => {
    const { clock, dial, carrier } = setup();
    const call = await dial('+15005550001');
    const events = collect(call);
    expect(call.media).toEqual({ encoding: 'pcmu', sampleRate: 8000, frameBytes: 160 });
    await clock.advance(10_000);
    expect(events).toEqual([
      { type: 'ringing', at: 500 },
      { type: 'answered', at: 8500 },
    ]);
    expect(carrier.callee(call.carrierCallId)?.answeredAt).toBe(8500);
    await call.hangup();
  });

  it('ends busy within a second without ringing', async () => {
    const { clock, dial } = setup();
    const events = collect(await dial('+15005550002'));
    await clock.advance(5000);
    expect(events).toEqual([{ type: 'ended', reason: 'busy', at: 1000 }]);
  });

  it('rings for 30 s then ends no_answer, or for the request ringTimeoutMs', async () => {
    const { clock, dial } = setup();
    const events = collect(await dial('+15005550003'));
    await clock.advance(29_999);
    expect(events).toEqual([{ type: 'ringing', at: 500 }]);
    await clock.advance(1);
    expect(events[1]).toEqual({ type: 'ended', reason: 'no_answer', at: 30_000 });

    const short = collect(await dial('+15005550001', undefined, 5000));
    await clock.advance(10_000);
    expect(short.map((e) => e.type)).toEqual(['ringing', 'ended']);
    expect(short[1]).toMatchObject({ reason: 'no_answer', at: 35_000 });
  });

  it('fails with carrier_error and a detail', async () => {
    const { clock, dial } = setup();
    const events = collect(await dial('+15005550005'));
    await clock.advance(1000);
    expect(events).toEqual([
      { type: 'ended', reason: 'carrier_error', at: 500, detail: expect.stringContaining('SIP 503') },
    ]);
  });

  it('hangs_up_early hangs up 3 s after answering', async () => {
    const { clock, dial, carrier } = setup();
    const call = await dial('+15005550008');
    const events = collect(call);
    await clock.advance(20_000);
    expect(events.map((e) => [e.type, e.at])).toEqual([
      ['ringing', 500],
      ['answered', 8500],
      ['ended', 11_500],
    ]);
    expect(events[2]).toMatchObject({ reason: 'hangup_user' });
    expect(carrier.callee(call.carrierCallId)?.ended).toEqual({ reason: 'hangup_user', at: 11_500, by: 'callee' });
    expect(clock.pending).toBe(0);
  });

  it('picks the scenario by name over the number, and defaults to human_cooperative', async () => {
    const { clock, dial, carrier } = setup();
    const named = collect(await dial('+15005550001', { scenario: 'busy' }));
    const unknownNumber = await dial('+14155550123');
    await clock.advance(2000);
    expect(named).toEqual([{ type: 'ended', reason: 'busy', at: 1000 }]);
    expect(carrier.callee(unknownNumber.carrierCallId)?.scenario).toBe('human_cooperative');
    await unknownNumber.hangup();
  });

  it('rejects an unknown scenario name with a non-retryable error that lists the known ones', async () => {
    const { dial } = setup();
    const error = await dial('+15005550001', { scenario: 'grumpy' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining('human_cooperative') });
  });

  it('rejects a script line it does not understand instead of reading it aloud', async () => {
    const { dial } = setup();
    await expect(dial('+15005550001', { script: ['Hello.', '[press 1]'] })).rejects.toThrow(/not understood/);
  });

  it('delivers events that happened before the listener was set, in order', async () => {
    const { clock, dial } = setup();
    const call = await dial('+15005550008');
    await clock.advance(20_000);
    expect(collect(call).map((e) => e.type)).toEqual(['ringing', 'answered', 'ended']);
  });

  it('hangup ends the call once (already ended is success) and silences every method', async () => {
    const { clock, dial, carrier } = setup();
    const call = await dial('+15005550001');
    const agent = new TestAgent(call, clock);
    await clock.advance(9000);
    await call.hangup();
    await call.hangup();
    await expect(call.transfer('+15005550100', { mode: 'cold' })).resolves.toBeUndefined();
    await expect(call.sendDtmf('not digits')).resolves.toBeUndefined();
    call.sendAudio(new Uint8Array(160));
    call.clearAudio();
    const heard = agent.inbound.length;
    await clock.advance(5000);
    expect(agent.events.filter((e) => e.type === 'ended')).toEqual([
      { type: 'ended', reason: 'hangup_agent', at: 9000 },
    ]);
    expect(agent.inbound.length).toBe(heard);
    expect(carrier.callee(call.carrierCallId)?.ended?.by).toBe('agent');
    expect(carrier.activeCalls).toBe(0);
  });

  it('hangs up during ringing, cancelling the answer', async () => {
    const { clock, dial } = setup();
    const call = await dial('+15005550001');
    const events = collect(call);
    await clock.advance(1000);
    await call.hangup();
    await clock.advance(30_000);
    expect(events.map((e) => e.type)).toEqual(['ringing', 'ended']);
    expect(clock.pending).toBe(0);
  });

  it('transfer ends the call as transferred and records the target; a bad target is refused', async () => {
    const { clock, dial, carrier } = setup();
    const call = await dial('+15005550011');
    const events = collect(call);
    await clock.advance(9000);
    await expect(call.transfer('front desk', { mode: 'cold' })).rejects.toThrow(/E\.164/);
    await call.transfer('+15005550100', { mode: 'warm', summary: 'Wants a person.' });
    expect(events.at(-1)).toEqual({
      type: 'ended',
      reason: 'transferred',
      at: 9000,
      detail: 'transferred to +15005550100',
    });
    expect(carrier.callee(call.carrierCallId)?.transfer).toEqual({
      to: '+15005550100',
      mode: 'warm',
      summary: 'Wants a person.',
      at: 9000,
    });
  });

  it('records the agent DTMF and refuses digits a phone cannot send', async () => {
    const { clock, dial, carrier } = setup();
    const call = await dial('+15005550001');
    await clock.advance(9000);
    await call.sendDtmf('12#');
    await call.sendDtmf('*0');
    await expect(call.sendDtmf('1x')).rejects.toThrow(/DTMF/);
    expect(carrier.callee(call.carrierCallId)?.dtmfReceived).toBe('12#*0');
    await call.hangup();
  });

  it('holds a running virtual clock while it renders the callee voice, so rendering costs no call time', async () => {
    const clock = new VirtualClock();
    const renderedAt: number[] = [];
    // 50 ms of real work per line, while another timer is due 100 ms of virtual time ahead.
    const slowVoice = (text: string) =>
      new Promise<ReturnType<typeof synthesize>>((resolve) =>
        setTimeout(() => {
          renderedAt.push(clock.now());
          resolve(synthesize(text));
        }, 50),
      );
    const carrier = new SandboxCarrier({ voice: slowVoice });
    clock.setTimer(100, () => {});
    const stop = new AbortController();
    const running = clock.run({ signal: stop.signal });
    const call = await carrier.dial({ callId: 'call_test', to: '+15005550001', from: '+15005551000', clock });
    const events = collect(call);
    expect(renderedAt.length).toBeGreaterThan(0);
    expect(new Set(renderedAt)).toEqual(new Set([0]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    stop.abort();
    await running;
    await clock.advance(1000 - clock.now());
    expect(events[0]).toEqual({ type: 'ringing', at: 500 });
    await call.hangup();
  });
});
