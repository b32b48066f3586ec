import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentConfig } from '../../agents/schema.js';
import { SandboxCarrier } from '../../carriers/sandbox/carrier.js';
import { extract } from '../../providers/analysis/extractor.js';
import { parseWav } from '../audio/wav.js';
import { agentConfig } from '../testing/conversation-harness.js';
import { runSandboxConversation } from '../testing/sandbox-session.js';

/**
 * Every scenario of sandbox.md end to end on a virtual clock, through the real parts: the
 * sandbox carrier and its scripted callees (espeak-ng speech), sandbox STT, scripted LLM,
 * espeak TTS, the energy VAD and the call recorder. Each assertion is on what the callee
 * observed (its report) or on the call's result, never on the engine's internals.
 */
const FIRST = 'Hi, this is Alex, an AI assistant calling from Acme Dental about your appointment.';
const TRANSFER_TO = '+14155550100';
const agent = (overrides: Partial<AgentConfig> = {}): AgentConfig =>
  agentConfig({
    first_message: FIRST,
    system_prompt: 'Confirm the patient can come on Tuesday at 10 and whether they need parking.',
    tools: [{ type: 'end_call' }, { type: 'add_to_dnc' }, { type: 'transfer_call', to: TRANSFER_TO, mode: 'cold' }],
    extraction_schema: {
      type: 'object',
      properties: {
        tuesday_ok: { type: 'boolean', description: 'Can you come on Tuesday at 10?' },
        parking: { type: 'boolean', description: 'Will you need a parking space?' },
      },
    },
    ...overrides,
  });

let carrier: SandboxCarrier;
let dir: string;
beforeAll(async () => {
  carrier = new SandboxCarrier();
  dir = await mkdtemp(join(tmpdir(), 'scenarios-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const run = (scenario: string, overrides: Partial<AgentConfig> = {}, extra: { record?: boolean } = {}) => {
  const dnc: (string | undefined)[] = [];
  return runSandboxConversation({
    scenario,
    carrier,
    agent: agent(overrides),
    recordingPath: extra.record ? join(dir, `${scenario}.wav`) : undefined,
    tools: { addToDnc: async (reason) => void dnc.push(reason) },
  }).then((r) => ({ ...r, dnc }));
};

const lines = (t: { role: string; text: string }[]) => t.map((l) => `${l.role}: ${l.text}`);

describe('sandbox scenarios end to end', () => {
  it('human_cooperative: a full conversation that ends with end_call, recorded', async () => {
    const { result, callee } = await run('human_cooperative', {}, { record: true });
    expect(result.endReason).toBe('hangup_agent');
    expect(result.answeredBy).toBe('human');
    expect(lines(result.transcript)).toEqual([
      `agent: ${FIRST}`,
      'user: Yes, that works for me.',
      'agent: Great. Can you come on Tuesday at 10?',
      'user: Sure, go ahead.',
      'agent: Great. Will you need a parking space?',
      "user: Yes, that's right.",
      "agent: Great. That's everything I needed. Thank you for your time, goodbye!",
    ]);
    expect(result.toolCalls.map((c) => c.name)).toEqual(['end_call']);
    expect(result.turns).toHaveLength(3);
    for (const turn of result.turns) expect(turn.first_audio_out).toBeGreaterThan(turn.caller_speech_end);
    // The callee heard four agent utterances and hung up on none of them.
    expect(callee.agentUtterances).toHaveLength(4);
    expect(callee.ended).toMatchObject({ reason: 'hangup_agent', by: 'agent' });
    const wav = parseWav(await readFile(result.recording?.path as string));
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 1 });
    expect(Math.abs((result.recording?.durationMs ?? 0) - result.durationMs)).toBeLessThan(100);
  });

  it('busy: ends busy without answering', async () => {
    const { result, callee } = await run('busy');
    expect(result).toMatchObject({ endReason: 'busy', durationMs: 0, transcript: [], answeredBy: 'unknown' });
    expect(callee.answeredAt).toBeNull();
  });

  it('no_answer: rings for 30 s from the dial, then ends no_answer', async () => {
    const { result, callee, dialledAt } = await run('no_answer');
    expect(result).toMatchObject({ endReason: 'no_answer', durationMs: 0, transcript: [] });
    expect((callee.ended?.at ?? 0) - dialledAt).toBe(30_000);
  });

  it('carrier_error: ends carrier_error', async () => {
    const { result } = await run('carrier_error');
    expect(result).toMatchObject({ endReason: 'carrier_error', transcript: [] });
  });

  it('voicemail: detects the machine and leaves the message after the beep', async () => {
    const message = 'Hi Sam, this is Acme Dental. Please call us back at 415 555 0100 to confirm Tuesday.';
    const { result, callee } = await run('voicemail', { voicemail: { action: 'leave_message', message } });
    expect(result.endReason).toBe('voicemail_left');
    expect(result.answeredBy).toBe('machine');
    expect(result.transcript.at(-1)).toMatchObject({ role: 'agent', text: message });
    const vm = callee.voicemail;
    // The machine recorded the message: it started after the beep and lasted about as long as espeak says it.
    expect(vm?.recordingFrom).not.toBeNull();
    expect(vm?.messageStartAt).toBeGreaterThanOrEqual(vm?.recordingFrom as number);
    // …and promptly: the agent starts as the beep ends.
    expect((vm?.messageStartAt as number) - (vm?.recordingFrom as number)).toBeLessThan(300);
    // The message was heard whole: nothing cut it (the machine's noises do not barge in).
    expect(result.transcript.at(-1)?.interrupted).toBeUndefined();
    expect(vm?.messageMs).toBeGreaterThan(3000);
  });

  it('voicemail with hang_up: ends voicemail without a message', async () => {
    const { result, callee } = await run('voicemail', { voicemail: { action: 'hang_up' } });
    expect(result.endReason).toBe('voicemail');
    expect(callee.voicemail?.messageMs).toBe(0);
  });

  it('dnc_request: calls add_to_dnc, confirms and ends the call', async () => {
    const { result, dnc } = await run('dnc_request');
    expect(result.toolCalls.map((c) => [c.name, c.ok])).toEqual([
      ['add_to_dnc', true],
      ['end_call', true],
    ]);
    expect(dnc).toHaveLength(1);
    expect(result.endReason).toBe('hangup_agent');
    expect(result.transcript.at(-1)?.text).toMatch(/won't call you again/);
    expect(extract(result.transcript, { referenceTime: new Date('2026-11-23T15:00:00Z') }).requests.dnc).toBe(true);
  });

  it('interrupter: the agent stops within 300 ms and its line is cut and marked interrupted', async () => {
    const { result, callee } = await run('interrupter');
    expect(callee.bargeIn?.agentUtterance).toBe(2);
    expect(callee.agentStoppedAfterMs).not.toBeNull();
    // sandbox.md asks ≤ 300 ms; the engine's budget (VAD 150 ms + 100 ms of speech + a frame) is 250.
    expect(callee.agentStoppedAfterMs).toBeLessThanOrEqual(250);
    const cut = result.transcript.filter((l) => l.interrupted);
    expect(cut).toHaveLength(1);
    const second = result.transcript.filter((l) => l.role === 'agent')[1];
    expect(second).toBe(cut[0]);
    // What was said before the cut: the start of the full question, not all of it.
    const full = 'Great. Can you come on Tuesday at 10?';
    expect(full.startsWith(second?.text as string)).toBe(true);
    expect(second?.text.length).toBeLessThan(full.length);
    expect(result.transcript.some((l) => l.role === 'user' && /stop you there/.test(l.text))).toBe(true);
  });

  it('hangs_up_early: the callee hangs up 3 s after answering', async () => {
    const { result, callee } = await run('hangs_up_early');
    expect(result.endReason).toBe('hangup_user');
    expect(result.durationMs).toBe(3000);
    expect(callee.ended).toMatchObject({ reason: 'hangup_user', by: 'callee' });
    // The first message was playing: its line is cut where the audio stopped.
    const line = result.transcript[0];
    expect(line).toMatchObject({ role: 'agent', interrupted: true });
    expect(FIRST.startsWith(line?.text as string)).toBe(true);
    expect(line?.text.length).toBeGreaterThan(10);
    expect(line?.text.length).toBeLessThan(FIRST.length);
  });

  it('silent: one reprompt, then the silence timeout ends the call', async () => {
    const { result } = await run('silent', { silence_timeout_sec: 5 });
    expect(result.endReason).toBe('silence_timeout');
    expect(result.answeredBy).toBe('unknown');
    expect(lines(result.transcript)).toEqual([`agent: ${FIRST}`, 'agent: Are you still there?']);
  });

  it('callback_later: acknowledged, the call ends, and the follow-up time is extracted', async () => {
    const { result } = await run('callback_later');
    expect(result.endReason).toBe('hangup_agent');
    expect(result.transcript.at(-1)?.text).toMatch(/call you back tomorrow afternoon/);
    const analysis = extract(result.transcript, { referenceTime: new Date('2026-11-23T15:00:00Z') });
    expect(analysis.requests.callback?.said).toMatch(/tomorrow afternoon/);
    expect(analysis.requests.callback?.at).toMatch(/^2026-11-24T/);
  });

  it('answers_then_transfer: the agent uses transfer_call and the callee is transferred', async () => {
    const { result, callee } = await run('answers_then_transfer');
    expect(result.toolCalls.map((c) => c.name)).toContain('transfer_call');
    expect(result.endReason).toBe('transferred');
    expect(callee.transfer).toMatchObject({ to: TRANSFER_TO, mode: 'cold' });
  });
});
