/**
 * The voice bench's child process: `node --expose-gc --import tsx child.ts '<RigOptions JSON>'`
 * runs one workload (rig.ts) and prints its result as one line `RESULT <json>` on stdout;
 * progress goes to stderr. A child per run keeps each measurement's memory and CPU its own, and
 * lets the parent pin it to one core (`taskset`).
 */
import { type RigOptions, runRig } from './rig.js';

const options = JSON.parse(process.argv[2] ?? '{}') as RigOptions;
runRig(options, (line) => process.stderr.write(`${line}\n`)).then(
  (result) => {
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(
      `voice bench child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
