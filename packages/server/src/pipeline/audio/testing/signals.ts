/** Test signals and measurements shared by the audio, VAD and recording tests and the bench. */

/** A sine of `frequency` Hz, `ms` long, at `amplitude` (0..1 of full scale). */
export function sine(options: { frequency: number; sampleRate: number; ms: number; amplitude?: number }): Int16Array {
  const { frequency, sampleRate, ms } = options;
  const amplitude = (options.amplitude ?? 0.5) * 32767;
  const out = new Int16Array(Math.round((sampleRate * ms) / 1000));
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
  return out;
}

/** Deterministic white noise (a 32-bit LCG), `ms` long, RMS ≈ amplitude / √3 of full scale. */
export function noise(options: { sampleRate: number; ms: number; amplitude?: number; seed?: number }): Int16Array {
  const amplitude = (options.amplitude ?? 0.1) * 32767;
  let state = options.seed ?? 1;
  const out = new Int16Array(Math.round((options.sampleRate * options.ms) / 1000));
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = Math.round((state / 0xffffffff - 0.5) * 2 * amplitude);
  }
  return out;
}

/** Root mean square of `pcm[from, to)`. */
export function rms(pcm: Int16Array, from = 0, to = pcm.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (pcm[i] as number) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Calls `fn` in 20 ms frames of `pcm` (the last partial frame is zero-padded). */
export function forEachFrame(
  pcm: Int16Array,
  frameSamples: number,
  fn: (frame: Int16Array, index: number) => void,
): void {
  const frame = new Int16Array(frameSamples);
  for (let i = 0, n = 0; i < pcm.length; i += frameSamples, n++) {
    frame.fill(0);
    frame.set(pcm.subarray(i, Math.min(pcm.length, i + frameSamples)));
    fn(frame, n);
  }
}

type TypedArrayName = 'Int16Array' | 'Uint8Array' | 'Float32Array' | 'Float64Array' | 'Int32Array';
const NAMES: TypedArrayName[] = ['Int16Array', 'Uint8Array', 'Float32Array', 'Float64Array', 'Int32Array'];

/**
 * Runs `fn` with the global typed-array constructors wrapped so that every `new` is counted
 * (the media path must not allocate per frame). Arrays made by `subarray` are views, not counted.
 */
export function countTypedArrayAllocations(fn: () => void): number {
  const saved = new Map<TypedArrayName, unknown>();
  let count = 0;
  const g = globalThis as unknown as Record<TypedArrayName, object>;
  for (const name of NAMES) {
    const original = g[name];
    saved.set(name, original);
    g[name] = new Proxy(original, {
      construct(target, args, newTarget) {
        count++;
        return Reflect.construct(target as new (...a: unknown[]) => object, args, newTarget);
      },
    });
  }
  try {
    fn();
  } finally {
    for (const name of NAMES) g[name] = saved.get(name) as object;
  }
  return count;
}
