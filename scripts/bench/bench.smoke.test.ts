import { describe, expect, it } from 'vitest';
import { runHttpBench } from './http.js';
import { type Figure, formatReport, jsonLine } from './report.js';

/**
 * The HTTP bench still runs: a real server process on PGlite, about half a second per
 * measurement. It checks that every figure comes out, not how good it is.
 */
describe('npm run bench: http suite (smoke)', () => {
  it('measures every figure on PGlite and reports them as a table and JSON lines', async () => {
    const notes: string[] = [];
    const figures = await runHttpBench({
      engines: ['pglite'],
      durationSec: 0.5,
      warmupSec: 0.2,
      connections: 4,
      log: () => {},
      note: (line) => notes.push(line),
    });

    const names = figures.map((f) => f.figure);
    for (const expected of [
      'health_rps',
      'me_rps',
      'get_agents_rps',
      'get_agents_p50_ms',
      'get_agents_p99_ms',
      'post_agents_idem_rps',
      'post_agents_idem_p50_ms',
      'post_agents_idem_p99_ms',
      'get_agents_server_cpu_ms',
      'middleware_overhead_p50_ms',
      'middleware_cpu_ms',
      'idempotency_overhead_p50_ms',
      'server_rss_mib',
    ]) {
      expect(names).toContain(expected);
    }
    expect(new Set(names).size).toBe(names.length);

    for (const f of figures) {
      expect(f.engine).toBe('pglite');
      expect(Number.isFinite(f.value), `${f.figure} = ${f.value}`).toBe(true);
      // Differences of two measurements can come out at or below zero in a run this short, and
      // CPU time is counted in 10 ms ticks; everything else measured must be positive.
      if (isCpu(f)) expect(f.value, f.figure).toBeGreaterThanOrEqual(0);
      else if (!isDifference(f)) expect(f.value, f.figure).toBeGreaterThan(0);
    }

    const report = formatReport(figures, notes);
    const lines = report.split('\n').filter((l) => l.startsWith('{'));
    expect(lines).toHaveLength(figures.length);
    for (const [i, line] of lines.entries()) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(parsed)).toEqual(['bench', 'figure', 'engine', 'value', 'unit', 'target', 'met', 'note']);
      expect(parsed.bench).toBe('http');
      expect(parsed.figure).toBe(figures[i]?.figure);
      expect(line).toBe(jsonLine(figures[i]!));
    }
    const overhead = JSON.parse(lines.find((l) => l.includes('"middleware_overhead_p50_ms"'))!) as Record<
      string,
      unknown
    >;
    expect(overhead.target).toBe('<= 1');
    expect(typeof overhead.met).toBe('boolean');
    expect(report).toContain('middleware_overhead_p50_ms');
  }, 90_000);
});

function isDifference(f: Figure): boolean {
  return /overhead|^middleware_cpu|^idempotency_cpu/.test(f.figure);
}

function isCpu(f: Figure): boolean {
  return /_cpu_ms/.test(f.figure) && !isDifference(f);
}
