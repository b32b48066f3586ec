/**
 * Sample collection for the voice bench: a growable Float64Array (appending a number allocates
 * nothing until the capacity doubles, so recording one value per 20 ms frame of 200 calls does
 * not disturb the timing it measures) and nearest-rank percentiles.
 */
export class Samples {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  values(): number[] {
    return Array.from(this.data.subarray(0, this.length));
  }
}

/** Nearest-rank percentile (p in 0..100) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function max(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => Math.max(a, b)) : Number.NaN;
}

/** Latencies are reported to 0.01 ms (report.ts). */
export const round2 = (value: number) => Math.round(value * 100) / 100;
