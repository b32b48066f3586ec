import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clocks.js';
import { CallRecorder } from '../recording/call-recorder.js';
import { EnergyVad } from '../vad/energy.js';
import { decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw } from './g711.js';
import { JitterBuffer } from './jitter-buffer.js';
import { FramePacer } from './pacer.js';
import { Resampler } from './resampler.js';
import { countTypedArrayAllocations, sine } from './testing/signals.js';

/**
 * The per-frame work of a call allocates no typed arrays once warm: thirty 20 ms frames through
 * each stage, counted with the global constructors wrapped (Buffer allocations of the recorder's
 * once-a-second chunk write are outside the frames measured here).
 */
describe('the media hot path', () => {
  it('decodes, encodes, resamples, paces, detects speech, records and de-jitters frame after frame without a typed-array allocation', async () => {
    const clock = new VirtualClock();
    const pcm8k = sine({ frequency: 440, sampleRate: 8000, ms: 20 });
    const pcm16k = new Int16Array(320);
    const g711 = new Uint8Array(160);
    const resampler = new Resampler({ from: 8000, to: 16000 });
    const sent = { frames: 0 };
    const pacer = new FramePacer({ clock, frameSamples: 160, send: () => sent.frames++ });
    pacer.push(new Int16Array(160 * 120));
    const vad = new EnergyVad().createStream({ clock });
    const jitter = new JitterBuffer({ frameBytes: 160 });
    const dir = await mkdtemp(join(tmpdir(), 'cs-hot-'));
    const recorder = new CallRecorder({ path: join(dir, 'r.wav'), sampleRate: 16000, clock });
    try {
      const frame = (n: number) => {
        encodeMulaw(pcm8k, g711);
        jitter.push(n, g711);
        const payload = jitter.pop() ?? g711;
        decodeMulaw(payload, pcm8k);
        encodeAlaw(pcm8k, g711);
        decodeAlaw(g711, pcm8k);
        resampler.process(pcm8k, pcm16k);
        vad.push(pcm16k);
        pacer.tick();
        recorder.writeInbound(pcm16k);
        recorder.writeOutbound(pcm16k);
      };
      for (let n = 0; n < 10; n++) frame(n); // warm: the recorder's side buffers reach their size
      const allocations = countTypedArrayAllocations(() => {
        for (let n = 10; n < 40; n++) frame(n);
      });
      expect(allocations).toBe(0);
      expect(sent.frames).toBe(40);
    } finally {
      await recorder.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
