/**
 * Load generation for the HTTP bench: autocannon runs against one or more server processes,
 * with the latency of every successful response timed (hrtime, not autocannon's 1 ms-resolution
 * histogram) and reduced to percentiles.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

// autocannon has no type declarations; this is the part of its API used here.

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (
    request: AutocannonRequest & { headers: Record<string, string> },
    context: object,
  ) => AutocannonRequest;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
}

interface AutocannonInstance {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
  ): void;
}

type Autocannon = (
  options: {
    url: string;
    connections: number;
    pipelining: number;
    duration: number;
    timeout: number;
    requests: AutocannonRequest[];
  },
  callback: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadSpec {
  method: 'GET' | 'POST';
  path: string;
  /** API key sent as a bearer token. */
  key?: string;
  body?: string;
  /** A fresh Idempotency-Key on every request. */
  idempotencyKeys?: boolean;
}

export interface Measurement {
  ok: number;
  rps: number;
  p50: number;
  p99: number;
}

/** Runs `spec` against every base URL at once, `connections` split evenly; latencies merged. */
export async function runLoad(
  bases: string[],
  spec: LoadSpec,
  connections: number,
  durationSec: number,
): Promise<Measurement> {
  const latencies: number[] = [];
  const per = Math.max(1, Math.floor(connections / bases.length));
  const results = await Promise.all(bases.map((base) => runOne(base, spec, per, durationSec, latencies)));
  const ok = results.reduce((sum, r) => sum + r['2xx'], 0);
  const seconds = Math.max(...results.map((r) => r.duration));
  const sorted = Float64Array.from(latencies).sort();
  if (!sorted.length) throw new Error(`${spec.method} ${spec.path}: no successful responses`);
  return { ok, rps: ok / seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

function runOne(
  base: string,
  spec: LoadSpec,
  connections: number,
  durationSec: number,
  latencies: number[],
): Promise<AutocannonResult> {
  const request: AutocannonRequest = { method: spec.method, path: spec.path, headers: headersFor(spec) };
  if (spec.body !== undefined) {
    request.body = spec.body;
    // Both POST variants rebuild the request each time, so the load generator does the same work.
    const prefix = `bench-${randomBytes(6).toString('hex')}-`;
    let seq = 0;
    request.setupRequest = (req) => {
      if (spec.idempotencyKeys) req.headers['idempotency-key'] = `${prefix}${seq++}`;
      return req;
    };
  }
  return new Promise((resolvePromise, reject) => {
    const instance = autocannon(
      { url: base, connections, pipelining: 1, duration: durationSec, timeout: 30, requests: [request] },
      (err, result) => {
        if (err) return reject(err);
        if (result.errors || result.timeouts || result.non2xx) {
          const codes = Object.entries(result.statusCodeStats)
            .map(([code, { count }]) => `${code}×${count}`)
            .join(', ');
          explainFailure(base, spec)
            .then((sample) =>
              reject(
                new Error(
                  `${spec.method} ${spec.path} on ${base}: ${result.errors} errors, ${result.timeouts} timeouts, ` +
                    `${result.non2xx} non-2xx (${codes}); a sample request got ${sample}`,
                ),
              ),
            )
            .catch(reject);
          return;
        }
        resolvePromise(result);
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
}

async function explainFailure(base: string, spec: LoadSpec): Promise<string> {
  try {
    const res = await fetch(`${base}${spec.path}`, {
      method: spec.method,
      headers: headersFor(spec),
      body: spec.body ?? null,
    });
    return `${res.status} ${(await res.text()).slice(0, 300)}`;
  } catch (err) {
    return `no answer (${(err as Error).message})`;
  }
}

function headersFor(spec: LoadSpec): Record<string, string> {
  const headers: Record<string, string> = {};
  if (spec.key) headers.authorization = `Bearer ${spec.key}`;
  if (spec.body !== undefined) headers['content-type'] = 'application/json';
  return headers;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
