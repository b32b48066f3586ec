/**
 * Signs that a machine answered: the beep (a steady tone near 1 kHz), the greeting's words, and
 * a long uninterrupted greeting (people answer with a few words; machines talk for seconds).
 */

/** Phrases answering machines say, not people answering a call. */
const MACHINE_WORDS =
  /\b(leave (me |us )?(a |your )?(message|name)|after the (tone|beep)|not available|can'?t (take|come to) (your|the) (call|phone)|voice ?mail|mailbox)\b/i;

/** Continuous first speech longer than this is a recorded greeting (people say "Hello?" in ~1 s). */
export const GREETING_MS = 4000;

export function hasMachineWords(text: string): boolean {
  return MACHINE_WORDS.test(text);
}

/**
 * A Goertzel detector for a ~1 kHz tone on 8 kHz PCM frames: a frame counts when the tone bin
 * holds most of the frame's energy; `minMs` of consecutive such frames (default 160 ms) is a
 * beep. Three bins (900, 1000, 1100 Hz) cover the spread of real beeps around 1 kHz. No
 * allocation per frame.
 */
export class BeepDetector {
  private readonly coefficients: number[];
  private run = 0;
  private readonly needFrames: number;

  constructor(sampleRate: number, options: { minMs?: number; frequenciesHz?: number[] } = {}) {
    const freqs = options.frequenciesHz ?? [900, 1000, 1100];
    this.coefficients = freqs.map((f) => 2 * Math.cos((2 * Math.PI * f) / sampleRate));
    this.needFrames = Math.ceil((options.minMs ?? 160) / 20);
  }

  /** Feeds one frame; true once the beep has lasted `minMs`. */
  push(pcm: Int16Array): boolean {
    let energy = 0;
    for (let i = 0; i < pcm.length; i++) energy += (pcm[i] as number) * (pcm[i] as number);
    let best = 0;
    for (const c of this.coefficients) {
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < pcm.length; i++) {
        const s0 = (pcm[i] as number) + c * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      best = Math.max(best, s1 * s1 + s2 * s2 - c * s1 * s2);
    }
    // Goertzel power of a pure tone is ≈ N/2 × energy; require 60 % of that and an audible level.
    const tonal = energy > pcm.length * 300 * 300 && best > 0.6 * (pcm.length / 2) * energy;
    this.run = tonal ? this.run + 1 : 0;
    return this.run >= this.needFrames;
  }
}
