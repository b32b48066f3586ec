#!/usr/bin/env node
// Runs the TypeScript entry through tsx, as `npm start` runs the server: no build step.
import { register } from 'tsx/esm/api';

register();
// `callingscout simulate | head`: a closed pipe ends the output, not the process with a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
