/**
 * What a benchmark suite returns and how `npm run bench` prints it: a table for people, then one
 * JSON line per figure for machines. Every JSON line has the same keys, in this order:
 *
 *   {"bench":"http","figure":"get_agents_rps","engine":"postgres","value":1234.5,"unit":"req/s",
 *    "target":">= 3000","met":false,"note":null}
 *
 * `engine` is null for figures that do not depend on one; `target` and `met` are null where the
 * figure has no target; `note` says how the figure was measured when that is not obvious.
 */

export interface Target {
  op: '>=' | '<=';
  value: number;
}

export interface Figure {
  /** The suite, e.g. `http`. */
  bench: string;
  /** snake_case name, stable across runs (dashboards key on it). */
  figure: string;
  engine: string | null;
  value: number;
  unit: string;
  target?: Target | undefined;
  note?: string | undefined;
}

export interface SuiteOptions {
  /** A short smoke run (about a second per measurement): checks that the suite works, not how fast. */
  quick: boolean;
  /** Progress, as the suite goes (stderr). */
  log(line: string): void;
  /** Something the reader must know about the figures (printed under the table), e.g. what was not measured. */
  note(line: string): void;
}

export interface Suite {
  name: string;
  description: string;
  run(options: SuiteOptions): Promise<Figure[]>;
}

export function formatTarget(target: Target | undefined): string | null {
  return target ? `${target.op} ${target.value}` : null;
}

/** Whether the figure meets its target; null when it has none. */
export function metTarget(figure: Figure): boolean | null {
  const t = figure.target;
  if (!t) return null;
  return t.op === '>=' ? figure.value >= t.value : figure.value <= t.value;
}

export function jsonLine(figure: Figure): string {
  return JSON.stringify({
    bench: figure.bench,
    figure: figure.figure,
    engine: figure.engine,
    value: figure.value,
    unit: figure.unit,
    target: formatTarget(figure.target),
    met: metTarget(figure),
    note: figure.note ?? null,
  });
}

export function formatTable(figures: readonly Figure[]): string {
  const header = ['bench', 'engine', 'figure', 'value', 'unit', 'target', 'met'];
  const rows = figures.map((f) => {
    const met = metTarget(f);
    return [
      f.bench,
      f.engine ?? '-',
      f.figure,
      String(f.value), // the suite rounds (latencies to 0.01 ms, rates to 0.1/s)
      f.unit,
      formatTarget(f.target) ?? '',
      met === null ? '' : met ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = new Set([3]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The whole report: table, notes, then one JSON line per figure. */
export function formatReport(figures: readonly Figure[], notes: readonly string[] = []): string {
  const parts: string[] = [];
  if (figures.length) parts.push(formatTable(figures));
  else parts.push('(no figures)');
  // Each distinct note once, with the figures it explains.
  const explained = new Map<string, string[]>();
  for (const f of figures) {
    if (!f.note) continue;
    const names = explained.get(f.note) ?? [];
    if (!names.includes(f.figure)) names.push(f.figure);
    explained.set(f.note, names);
  }
  if (explained.size) {
    const lines = [...explained].map(([note, names]) => `  ${names.join(', ')}: ${note}`);
    parts.push(['How figures were measured:', ...lines].join('\n'));
  }
  if (notes.length) parts.push(['Notes:', ...notes.map((n) => `  - ${n}`)].join('\n'));
  parts.push(figures.map(jsonLine).join('\n'));
  return `${parts.filter(Boolean).join('\n\n')}\n`;
}
