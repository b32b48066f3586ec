import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clocks.js';
import { CallRecorder } from '../recording/call-recorder.js';
import { EnergyVad } from '../vad/energy.js';
import { SileroVad } from '../vad/silero.js';
import type { Vad, VadEvent } from '../vad/vad.js';
import { decodeMulaw } from './g711.js';
import { Resampler } from './resampler.js';
import { speechWav } from './testing/speech.js';
import { parseWav, wavSamples } from './wav.js';

/**
 * A recorded phone-line WAV (espeak-ng speech, converted by sox to 8 kHz μ-law, as a carrier
 * delivers it) played through the inbound audio path frame by frame on a virtual clock: μ-law
 * decode → 8 → 16 kHz → VAD and the call recorder. The VAD must find the two utterances where
 * they are, and the recording must hold what was played.
 */
async function playThrough(vad: Vad, wav: Buffer, recordingPath: string) {
  const info = parseWav(wav);
  expect(info).toMatchObject({ sampleRate: 8000, encoding: 'mulaw', channels: 1 });
  const clock = new VirtualClock();
  const stream = vad.createStream({ clock });
  const events: VadEvent[] = [];
  stream.onEvent((e) => events.push(e));
  const recorder = new CallRecorder({ path: recordingPath, sampleRate: 16000, clock });
  const resampler = new Resampler({ from: 8000, to: 16000 });
  const pcm8k = new Int16Array(160);
  const pcm16k = new Int16Array(320);
  const payload = new Uint8Array(160);
  for (let at = 0; at + 160 <= info.data.length; at += 160) {
    payload.set(info.data.subarray(at, at + 160));
    await clock.advance(20);
    decodeMulaw(payload, pcm8k);
    resampler.process(pcm8k, pcm16k);
    stream.push(pcm16k);
    recorder.writeInbound(pcm16k);
  }
  if (vad instanceof SileroVad) await vad.idle();
  return { events, recording: await recorder.close(), frames: Math.floor(info.data.length / 160) };
}

describe('inbound audio path, with a recorded μ-law WAV', () => {
  const wav = speechWav([600, 'Hi, this is Jordan.', 1200, 'Yes, I can talk now.', 800], {
    sampleRate: 8000,
    encoding: 'mulaw',
  });
  // Where the voice is, from the file itself (100 ms blocks above -40 dBFS).
  const samples = wavSamples(parseWav(wav));
  const voiced: number[] = [];
  for (let i = 0; i + 800 <= samples.length; i += 800) {
    let sum = 0;
    for (let j = i; j < i + 800; j++) sum += samples[j]! ** 2;
    if (Math.sqrt(sum / 800) > 328) voiced.push(i / 8);
  }
  const firstStart = voiced[0]!;
  const gapStart = voiced.find((t, k) => voiced[k + 1] !== undefined && voiced[k + 1]! - t > 500)! + 100;
  const secondStart = voiced[voiced.indexOf(gapStart - 100) + 1]!;

  it.each([
    ['energy', () => Promise.resolve(new EnergyVad() as Vad)],
    ['silero', () => SileroVad.load() as Promise<Vad>],
  ])(
    'the %s VAD finds both utterances and the pause between them; the recording holds every frame',
    async (_, load) => {
      const dir = await mkdtemp(join(tmpdir(), 'cs-inbound-'));
      try {
        const { events, recording, frames } = await playThrough(await load(), wav, join(dir, 'call.wav'));
        expect(events.map((e) => e.type)).toEqual(['speech_start', 'speech_end', 'speech_start', 'speech_end']);
        const [start1, end1, start2] = events.map((e) => e.at) as [number, number, number];
        // Within 150 ms of the truth measured on 100 ms blocks (the filter and the model's window add a few ms).
        expect(Math.abs(start1 - firstStart)).toBeLessThan(150);
        expect(Math.abs(end1 - gapStart)).toBeLessThan(250);
        expect(Math.abs(start2 - secondStart)).toBeLessThan(150);

        expect(recording.durationMs).toBe(frames * 20);
        const recorded = wavSamples(parseWav(await readFile(recording.path)));
        expect(recorded.length).toBe(frames * 320);
        // Speech where the file has speech, silence in the pause.
        const rmsAt = (ms: number) => {
          let sum = 0;
          for (let i = ms * 16; i < ms * 16 + 1600; i++) sum += recorded[i]! ** 2;
          return Math.sqrt(sum / 1600);
        };
        expect(rmsAt(firstStart + 100)).toBeGreaterThan(300);
        expect(rmsAt(gapStart + 200)).toBeLessThan(50);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
