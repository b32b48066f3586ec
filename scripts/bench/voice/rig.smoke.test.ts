import { describe, expect, it } from 'vitest';
import { POLICY, runRig, turnSample } from './rig.js';

/**
 * The voice bench's rig still measures what it claims: a couple of real-time sandbox calls for a
 * few seconds (energy VAD, synthetic callee voice). It checks that the figures come out and hang
 * together, not how good they are.
 */
describe('voice bench rig (smoke)', () => {
  it('measures turns, first responses and frame jitter of real-time conversations', async () => {
    const r = await runRig(
      {
        workload: 'conversation',
        calls: 2,
        rampMs: 100,
        warmupMs: 200,
        measureMs: 6000,
        vad: 'energy',
        voice: 'synthetic',
        record: true,
      },
      () => {},
    );
    expect(r.answered).toBe(2);
    expect(r.errors).toBe(0);
    expect(r.turns.length).toBeGreaterThan(0);
    const nominal = POLICY.minEndpointingMs + POLICY.llmFirstTokenMs + POLICY.ttsFirstByteMs;
    for (const t of r.turns) {
      // The first frame cannot leave before the policy and the providers' fixed latencies allow.
      expect(t.strict).toBeGreaterThanOrEqual(-1);
      expect(t.platform).toBeGreaterThanOrEqual(0);
      expect(t.total).toBeGreaterThan(POLICY.llmFirstTokenMs + POLICY.ttsFirstByteMs);
      expect(t.total).toBeLessThan(nominal + POLICY.sttFinalMs + 1000);
    }
    expect(r.firstResponseMs).toHaveLength(2);
    for (const ms of r.firstResponseMs) expect(ms).toBeGreaterThanOrEqual(POLICY.ttsFirstByteMs - 1);
    expect(r.jitter.frames).toBeGreaterThan(50);
    expect(r.jitter.p50).toBeLessThan(20);
  }, 30_000);

  it('measures a barge-in from the callee onset to the last agent frame', async () => {
    const r = await runRig(
      {
        workload: 'barge_in',
        calls: 1,
        rampMs: 0,
        warmupMs: 0,
        measureMs: 15_000,
        vad: 'energy',
        voice: 'synthetic',
        record: false,
      },
      () => {},
    );
    expect(r.bargeInMissing).toEqual([]);
    expect(r.bargeIns).toHaveLength(1);
    const b = r.bargeIns[0]!;
    // The cut cannot come before the VAD decided and the min-speech policy ran out.
    expect(b.interruption).toBeGreaterThanOrEqual(Math.max(b.vadDecision, POLICY.bargeInMinSpeechMs) - 1);
    expect(b.total).toBeLessThanOrEqual(b.interruption + 0.01);
    expect(b.total).toBeGreaterThan(b.interruption - 21);
    expect(b.heard).not.toBeNull();
  }, 30_000);
});

describe('strict platform latency of a turn', () => {
  const latency = {
    turn: 2,
    caller_speech_end: 1000,
    endpoint: 1452,
    stt_final: 1150,
    llm_first_token: 1660,
    tts_first_byte: 1770,
    first_audio_out: 1760 + 20,
    total_ms: 780,
    platform_ms: 8,
  };

  it('charges everything beyond the policy due time and the nominal provider latencies', () => {
    // Due at max(1000, 1150) + 300 = 1450; 1780 − 1450 − 200 − 100 = 30.
    expect(turnSample(latency, POLICY)).toEqual({ platform: 8, strict: 30, total: 780, endpointLate: 2 });
  });

  it('without an STT final, the policy waits max_endpointing_ms after speech end', () => {
    const s = turnSample({ ...latency, stt_final: null, endpoint: 2500, first_audio_out: 2830 }, POLICY);
    expect(s).toMatchObject({ strict: 30, endpointLate: 0 });
  });
});
