import { Resampler22050 } from '../../pipeline/audio/resample-22050.js';
import { Resampler } from '../../pipeline/audio/resampler.js';

/**
 * Brings a callee line to the phone line's 8 kHz, once per line (never on the media path), with
 * the platform's own resamplers: espeak-ng speaks at 22,050 Hz (`resample-22050.ts`); a voice
 * at 16 or 24 kHz goes through the pipeline's polyphase `Resampler`.
 */
export function resampleTo8k(input: Int16Array, fromRate: number): Int16Array {
  if (fromRate === 8000) return input;
  if (fromRate === 22_050) {
    const resampler = new Resampler22050(8000);
    const head = resampler.process(input);
    const tail = resampler.flush();
    const out = new Int16Array(head.length + tail.length);
    out.set(head);
    out.set(tail, head.length);
    return out;
  }
  if (fromRate === 16_000 || fromRate === 24_000) {
    const resampler = new Resampler({ from: fromRate, to: 8000 });
    const out = new Int16Array(resampler.outputLength(input.length));
    return out.subarray(0, resampler.process(input, out));
  }
  throw new RangeError(`Cannot bring ${fromRate} Hz audio to 8 kHz: voices speak at 8, 16, 22.05 or 24 kHz.`);
}
