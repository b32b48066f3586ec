import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentTool } from '../../agents/schema.js';
import { encodeMulaw } from '../audio/g711.js';
import { harness, runUntilEnded } from '../testing/conversation-harness.js';

let server: Server;
let url = '';
const received: unknown[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push(JSON.parse(body || '{}'));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ slots: ['10:00', '14:30'] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slots`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const slotsTool = (): AgentTool => ({
  type: 'http',
  name: 'get_slots',
  description: 'Free appointment slots for a day',
  parameters: { type: 'object', properties: { day: { type: 'string' } }, required: ['day'] },
  url,
  method: 'POST',
  headers: {},
  timeout_ms: 2000,
});

describe('conversation tools', () => {
  it('calls an HTTP tool on loopback when private URLs are allowed, and gives the model its answer', async () => {
    const h = harness(
      { tools: [slotsTool()] },
      {
        responses: [
          { toolCalls: [{ name: 'get_slots', arguments: { day: 'tuesday' } }] },
          { text: 'We have ten or half past two.' },
        ],
      },
      { allowPrivateToolUrls: true },
    );
    h.call.answer();
    await h.clock.advance(4000);
    await h.userSays('what times do you have on Tuesday');
    await h.clock.advance(1000);
    // The request runs in real time while the virtual clock stands still.
    for (let i = 0; i < 100 && h.llm.requests.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await h.clock.advance(5000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(received).toContainEqual({ day: 'tuesday' });
    expect(result.toolCalls[0]).toMatchObject({ name: 'get_slots', ok: true });
    expect(result.toolCalls[0]?.result).toContain('14:30');
    const tool = h.llm.requests[1]?.context.messages.find((m) => m.role === 'tool');
    expect(tool?.content).toContain('14:30');
    expect(result.transcript.at(-1)?.text).toBe('We have ten or half past two.');
  });

  it('refuses a loopback HTTP tool by default and rejects arguments that break the schema', async () => {
    const h = harness(
      { tools: [slotsTool()] },
      {
        responses: [
          {
            toolCalls: [
              { name: 'get_slots', arguments: { day: 'monday' } },
              { name: 'get_slots', arguments: { day: 3 } },
            ],
          },
          { text: 'Sorry, I cannot check that.' },
        ],
      },
    );
    const before = received.length;
    h.call.answer();
    await h.clock.advance(4000);
    await h.userSays('any slots');
    await h.clock.advance(3000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(received).toHaveLength(before);
    expect(result.toolCalls.map((c) => c.ok)).toEqual([false, false]);
    expect(result.toolCalls[0]?.result).toMatch(/refused/);
    expect(result.toolCalls[1]?.result).toMatch(/invalid arguments/);
  });

  it('end_call lets the agent finish its goodbye and then hangs up; add_to_dnc reaches the lifecycle', async () => {
    const dnc: (string | undefined)[] = [];
    const h = harness(
      { tools: [{ type: 'add_to_dnc' }, { type: 'end_call' }] },
      {
        responses: [
          {
            text: 'Done, you will not be called again. Goodbye.',
            toolCalls: [{ name: 'add_to_dnc', arguments: { reason: 'asked' } }, { name: 'end_call' }],
          },
        ],
      },
      { tools: { addToDnc: async (reason) => void dnc.push(reason) } },
    );
    h.call.answer();
    await h.clock.advance(4000);
    await h.userSays('please put me on your do not call list');
    const result = await runUntilEnded(h.clock, h.convo.ended);
    expect(dnc).toEqual(['asked']);
    expect(result.endReason).toBe('hangup_agent');
    expect(result.transcript.at(-1)).toMatchObject({
      role: 'agent',
      text: 'Done, you will not be called again. Goodbye.',
    });
    expect(result.transcript.at(-1)?.interrupted).toBeUndefined();
    expect(h.call.hungUp).toBe(true);
  });
});

describe('voicemail', () => {
  it('hears the greeting words and the beep, leaves the message after the beep and ends voicemail_left', async () => {
    const h = harness({ voicemail: { action: 'leave_message', message: 'Hi, this is Acme, please call us back.' } });
    h.call.answer();
    await h.clock.advance(300);
    h.vad.start();
    h.stt.sessions[0]?.emit({ type: 'interim', text: 'please leave a message after the tone' });
    await h.clock.advance(1000);
    expect(h.events.some((e) => e.type === 'voicemail.detected')).toBe(true);
    h.vad.end();
    // The beep: 1 kHz for 300 ms, as 15 μ-law frames, then the line is quiet (μ-law 0xff is 0).
    const pcm = new Int16Array(160);
    const ulaw = new Uint8Array(160);
    for (let f = 0; f < 15; f++) {
      for (let i = 0; i < 160; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 1000 * (f * 160 + i)) / 8000));
      encodeMulaw(pcm, ulaw);
      h.call.play(ulaw);
      await h.clock.advance(20);
    }
    const beepAt = h.clock.now();
    h.call.play(new Uint8Array(160).fill(0xff));
    const result = await runUntilEnded(h.clock, h.convo.ended);
    expect(result.voicemailDetected).toBe(true);
    expect(result.endReason).toBe('voicemail_left');
    const message = result.transcript.find((t) => t.text === 'Hi, this is Acme, please call us back.');
    expect(message).toBeDefined();
    // The message starts as the beep ends (the machine records from there), not 1.5 s later.
    expect(h.call.sentAt.find((t) => t > beepAt)).toBeLessThan(beepAt + 200);
  });
});

describe('voicemail by greeting length', () => {
  it('takes 4 s of uninterrupted first speech for a machine, hangs up and says answered_by machine', async () => {
    const h = harness({ voicemail: { action: 'hang_up' } });
    h.call.answer();
    await h.clock.advance(200);
    h.vad.start();
    await h.clock.advance(4200);
    expect(h.events.some((e) => e.type === 'voicemail.detected')).toBe(false);
    h.vad.end();
    const result = await runUntilEnded(h.clock, h.convo.ended);
    expect(h.events).toContainEqual({ type: 'voicemail.detected', at: 4400, signal: 'greeting' });
    expect(result).toMatchObject({ endReason: 'voicemail', voicemailDetected: true, answeredBy: 'machine' });
    expect(h.call.hungUp).toBe(true);
  });

  it('a person’s short hello is not a greeting', async () => {
    const h = harness({ voicemail: { action: 'hang_up' } }, { responses: [{ text: 'Hi! Do you have a minute?' }] });
    h.call.answer();
    await h.clock.advance(200);
    await h.userSays('Hello?', 800);
    await h.clock.advance(3000);
    await h.convo.hangup();
    const result = await h.convo.ended;
    expect(result).toMatchObject({ voicemailDetected: false, answeredBy: 'human', endReason: 'hangup_agent' });
  });
});
