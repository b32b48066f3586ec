/**
 * `npm run bench [-- [--quick] [suite…]]`: runs the benchmark suites and prints their figures as a
 * table and as one JSON line each (stdout); progress goes to stderr.
 *
 *   npm run bench                 every suite
 *   npm run bench -- http         one suite
 *   npm run bench -- --quick      a short smoke run (about a second per measurement)
 *
 * A suite is a module in scripts/bench/ exporting a `Suite`; add it to SUITES below.
 */
import { audioSuite } from './bench/audio.js';
import { complianceSuite } from './bench/compliance.js';
import { eventsSuite } from './bench/events.js';
import { httpSuite } from './bench/http.js';
import { importSuite } from './bench/import.js';
import { providersSuite } from './bench/providers.js';
import { type Figure, formatReport, type Suite } from './bench/report.js';
import { voiceSuite } from './bench/voice.js';

const SUITES: Suite[] = [httpSuite, importSuite, audioSuite, voiceSuite, eventsSuite, providersSuite, complianceSuite];

function usage(): string {
  return [
    'usage: npm run bench -- [--quick] [suite…]',
    '',
    'suites:',
    ...SUITES.map((s) => `  ${s.name.padEnd(10)} ${s.description}`),
    '',
    'Options:',
    '  --quick   a short smoke run: checks that the suites work, not how fast they are',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  let quick = false;
  const names: string[] = [];
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${usage()}\n`);
      return 0;
    } else if (arg.startsWith('-')) {
      process.stderr.write(`bench: unknown option ${arg}\n\n${usage()}\n`);
      return 2;
    } else names.push(arg);
  }
  const unknown = names.filter((n) => !SUITES.some((s) => s.name === n));
  if (unknown.length) {
    process.stderr.write(
      `bench: unknown suite ${unknown.join(', ')}; known: ${SUITES.map((s) => s.name).join(', ')}\n`,
    );
    return 2;
  }
  const selected = names.length ? SUITES.filter((s) => names.includes(s.name)) : SUITES;

  const figures: Figure[] = [];
  const notes: string[] = [];
  const failed: string[] = [];
  const log = (line: string) => process.stderr.write(`${line}\n`);
  for (const suite of selected) {
    log(`== bench ${suite.name}${quick ? ' (quick)' : ''}`);
    try {
      figures.push(...(await suite.run({ quick, log, note: (line) => notes.push(`${suite.name}: ${line}`) })));
    } catch (err) {
      failed.push(suite.name);
      log(`bench ${suite.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  if (quick) notes.push('--quick: a smoke run; these figures say the suites work, not how fast the server is.');
  if (failed.length) notes.push(`FAILED suites (no figures or partial): ${failed.join(', ')}`);
  process.stdout.write(`\n${formatReport(figures, notes)}`);
  return failed.length ? 1 : 0;
}

// Ctrl-C or a kill: exit through process.exit so the suites' exit hooks stop their servers.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`bench: ${signal}, stopping\n`);
    process.exit(130);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
