import { parseArgs } from 'node:util';
import { simulate } from './simulate.js';

const USAGE = `usage: callingscout <command>

commands:
  simulate [--scenario NAME] [--realtime] [--agent FILE.json] [--record OUT.wav] [--vad energy|silero]
           [--early-response]
      Runs one sandbox conversation locally through the voice engine and prints the transcript,
      each turn's latency and the call's summary. Scenarios: human_cooperative (default), busy,
      no_answer, voicemail, carrier_error, dnc_request, interrupter, hangs_up_early, silent,
      callback_later, answers_then_transfer. Virtual clock unless --realtime. --early-response
      starts the model on a confident transcript before the endpoint.
`;

/** The command line: returns the exit code (0 done, 1 failed, 2 usage). */
export async function main(argv: string[], write: (text: string) => void = (t) => process.stdout.write(t)) {
  const [command, ...rest] = argv;
  if (command !== 'simulate') {
    write(USAGE);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
  let values: {
    scenario?: string;
    realtime?: boolean;
    agent?: string;
    record?: string;
    vad?: string;
    'early-response'?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        scenario: { type: 'string', default: 'human_cooperative' },
        realtime: { type: 'boolean', default: false },
        agent: { type: 'string' },
        record: { type: 'string' },
        vad: { type: 'string' },
        'early-response': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.vad !== undefined && values.vad !== 'energy' && values.vad !== 'silero') {
    write(`--vad must be energy or silero\n`);
    return 2;
  }
  try {
    return await simulate({
      scenario: values.scenario ?? 'human_cooperative',
      realtime: values.realtime ?? false,
      agentPath: values.agent,
      recordPath: values.record,
      vad: values.vad,
      earlyResponse: values['early-response'] ?? false,
      write,
    });
  } catch (error) {
    write(`simulate failed: ${(error as Error).message}\n`);
    return 1;
  }
}
