/**
 * The Goertzel algorithm: the power of one frequency in a block of samples, in N multiply-adds,
 * cheaper than an FFT when a few frequencies matter (DTMF's eight, a voicemail beep's band).
 */

/** `2 cos(2π f / fs)`, computed once per frequency. */
export function goertzelCoefficient(frequency: number, sampleRate: number): number {
  return 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
}

/**
 * |X(f)|² over `pcm`. A full-scale-relative sine of amplitude A exactly at f gives (A·N/2)², so
 * `2 · power / (N · Σx²)` is the share of the block's energy at f (≈ 1 for a pure tone).
 */
export function goertzelPower(pcm: Int16Array, coefficient: number): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < pcm.length; i++) {
    const s0 = (pcm[i] as number) + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

/** Σx² of the block. */
export function energy(pcm: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += (pcm[i] as number) * (pcm[i] as number);
  return sum;
}
