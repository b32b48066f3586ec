import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { speechWav } from '../audio/testing/speech.js';
import { parseWav, type WavInfo, wavSamples } from '../audio/wav.js';
import { VirtualClock } from '../clocks.js';
import type { SpeechMark } from '../speech-mark.js';
import { agentConfig } from '../testing/conversation-harness.js';
import { FakeCarrierCall } from '../testing/fake-call.js';
import { startSession } from './session.js';

const SAID = 'Yes, Tuesday at ten works for me.';
const FRAME = 160;

let dir: string;
let wav: WavInfo;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recorded-wav-'));
  // A phone-line recording: espeak-ng speech as 8 kHz μ-law, with 0.5 s of silence either side.
  wav = parseWav(speechWav([500, SAID, 1500], { sampleRate: 8000, encoding: 'mulaw' }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** First and last 20 ms frame whose RMS is above `rms` (where the speech is in the file). */
function speechFrames(pcm: Int16Array, rms: number): { first: number; last: number } {
  let first = -1;
  let last = -1;
  for (let f = 0; (f + 1) * FRAME <= pcm.length; f++) {
    let sum = 0;
    for (let i = f * FRAME; i < (f + 1) * FRAME; i++) sum += (pcm[i] as number) ** 2;
    if (Math.sqrt(sum / FRAME) > rms) {
      if (first < 0) first = f;
      last = f;
    }
  }
  return { first, last };
}

function rmsBetween(pcm: Int16Array, rate: number, fromMs: number, toMs: number): number {
  const a = Math.max(0, Math.floor((fromMs * rate) / 1000));
  const b = Math.min(pcm.length, Math.floor((toMs * rate) / 1000));
  let sum = 0;
  for (let i = a; i < b; i++) sum += (pcm[i] as number) ** 2;
  return b > a ? Math.sqrt(sum / (b - a)) : 0;
}

describe('a recorded WAV through the STT path', () => {
  it('is decoded, resampled, heard by the VAD and the STT, answered, and recorded with both sides', async () => {
    expect(wav).toMatchObject({ sampleRate: 8000, encoding: 'mulaw', channels: 1 });
    const clock = new VirtualClock();
    const call = new FakeCarrierCall(clock);
    const path = join(dir, 'call.wav');
    const session = await startSession({
      agent: agentConfig({ first_message: null, silence_timeout_sec: 60 }),
      call,
      clock,
      mode: 'test',
      vad: 'energy',
      recordingPath: path,
      separateChannels: true,
    });
    // The sandbox STT reads the words from speech marks (it does not listen); the marks cover
    // the frames where the file has speech, words spread evenly over them.
    const { first, last } = speechFrames(wavSamples(wav), 300);
    const durationMs = (last - first + 1) * 20;
    const words = SAID.split(' ');
    const mark = (offsetMs: number): SpeechMark => ({
      utteranceId: 'wav-1',
      text: SAID,
      words: words.map((text, i) => ({
        text,
        startMs: Math.round((i * durationMs) / words.length),
        endMs: Math.round(((i + 1) * durationMs) / words.length),
      })),
      offsetMs,
      durationMs,
    });
    call.answer();
    const frames = Math.floor(wav.data.length / FRAME);
    const silence = new Uint8Array(FRAME).fill(0xff);
    let f = 0;
    // One frame every 20 ms, as a carrier delivers them; the line is quiet after the file.
    const tick = () => {
      if (f < frames) {
        const payload = wav.data.subarray(f * FRAME, (f + 1) * FRAME);
        call.play(payload, f >= first && f <= last ? mark((f - first) * 20) : undefined);
      } else call.play(silence);
      f++;
      clock.setTimer(20, tick);
    };
    clock.setTimer(20, tick);
    // `run`, not `advance`: it waits while espeak-ng synthesises (the TTS holds the clock).
    await clock.run({ until: () => clock.now() >= 8000 });
    await session.hangup();
    const result = await session.ended;

    const user = result.transcript.find((l) => l.role === 'user');
    expect(user?.text).toBe(SAID);
    // The VAD found the speech where the file has it (energy onset within 100 ms).
    const speechStartMs = (first + 1) * 20;
    expect(Math.abs((user?.start_ms ?? 0) - speechStartMs)).toBeLessThanOrEqual(100);
    const agent = result.transcript.find((l) => l.role === 'agent');
    expect(agent?.start_ms).toBeGreaterThan(user?.end_ms as number);
    expect(result.turns).toHaveLength(1);

    const recording = result.recording;
    expect(recording?.path).toBe(path);
    expect(Math.abs((recording?.durationMs ?? 0) - 8000)).toBeLessThanOrEqual(40);
    const mixed = parseWav(await readFile(path));
    expect(mixed).toMatchObject({ sampleRate: 8000, channels: 1, encoding: 'pcm16' });
    const [callerPath, agentPath] = recording?.channelPaths ?? [];
    const caller = wavSamples(parseWav(await readFile(callerPath as string)));
    const agentSide = wavSamples(parseWav(await readFile(agentPath as string)));
    // Each side holds its own speech at its own time, and silence while the other one talks.
    const userWindow = [user?.start_ms as number, user?.end_ms as number] as const;
    const agentWindow = [agent?.start_ms as number, agent?.end_ms as number] as const;
    expect(rmsBetween(caller, 8000, ...userWindow)).toBeGreaterThan(500);
    expect(rmsBetween(agentSide, 8000, ...agentWindow)).toBeGreaterThan(500);
    expect(rmsBetween(agentSide, 8000, ...userWindow)).toBeLessThan(50);
    expect(rmsBetween(caller, 8000, ...agentWindow)).toBeLessThan(50);
    const mixedPcm = wavSamples(mixed);
    expect(rmsBetween(mixedPcm, 8000, ...userWindow)).toBeGreaterThan(500);
    expect(rmsBetween(mixedPcm, 8000, ...agentWindow)).toBeGreaterThan(500);
  });
});
