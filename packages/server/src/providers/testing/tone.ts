/**
 * Fills a new buffer with a quiet sine tone: real, non-silent PCM16 for fakes, so that code that
 * measures audio (pacers, VADs, recorders) sees something. `phase` (in samples) lets consecutive
 * chunks join without a click.
 */
export function tonePcm(options: {
  samples: number;
  sampleRate: number;
  frequencyHz?: number;
  amplitude?: number;
  phase?: number;
}): Int16Array {
  const { samples, sampleRate, frequencyHz = 220, amplitude = 1000, phase = 0 } = options;
  const pcm = new Int16Array(samples);
  const step = (2 * Math.PI * frequencyHz) / sampleRate;
  for (let i = 0; i < samples; i++) pcm[i] = Math.round(amplitude * Math.sin(step * (phase + i)));
  return pcm;
}
