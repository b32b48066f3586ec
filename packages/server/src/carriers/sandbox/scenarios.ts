import { ProviderError } from '../../errors.js';

/**
 * The sandbox's scenarios (sandbox.md, "Scenarios") as data: which number picks which scenario,
 * how the network treats the attempt, and what the scripted callee says and does. `callee.ts`
 * runs these parameters; nothing else in the sandbox knows a scenario by name.
 */
export const SCENARIO_NAMES = [
  'human_cooperative',
  'busy',
  'no_answer',
  'voicemail',
  'carrier_error',
  'dnc_request',
  'interrupter',
  'hangs_up_early',
  'silent',
  'callback_later',
  'answers_then_transfer',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface Scenario {
  readonly name: ScenarioName;
  /** The number that picks it (+1 500 555 00xx, non-geographic). */
  readonly number: string;
  /** What the network does with the attempt; only `answer` reaches the callee. */
  readonly network: 'answer' | 'busy' | 'no_answer' | 'carrier_error';
  /**
   * What the callee says, one item per turn: each time the agent finishes speaking, the next
   * item. A `script` replaces these and `closing`.
   */
  readonly lines: readonly string[];
  /** Said once the lines are used up and the agent has spoken again; the callee hangs up 2 s later. */
  readonly closing?: string;
  /** Talks over the agent's `agentUtterance`-th utterance (1-based), `afterMs` into it, with its next line. */
  readonly bargeIn?: { readonly agentUtterance: number; readonly afterMs: number };
  /** Hangs up this long after answering, whatever is happening. */
  readonly hangupAfterMs?: number;
  /** An answering machine: plays its lines at once, then a beep, then records the agent. */
  readonly machine?: MachineBehaviour;
}

export interface MachineBehaviour {
  /** The beep after the greeting: a sine of `hz` for `ms`. */
  readonly beepHz: number;
  readonly beepMs: number;
  /** Stops recording (hangs up) after this much agent silence following a message… */
  readonly endSilenceMs: number;
  /** …or this long after the beep if the agent never speaks… */
  readonly noMessageMs: number;
  /** …or after this much recording whatever happens. */
  readonly maxMessageMs: number;
}

/** Positive, brief answers, in a fixed order, so a test knows what the callee will say. */
const COOPERATIVE_LINES = [
  'Yes, that works for me.',
  'Sure, go ahead.',
  "Yes, that's right.",
  'That sounds good to me.',
  'Yes, please.',
  'Sure, no problem.',
];

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'human_cooperative',
    number: '+15005550001',
    network: 'answer',
    lines: COOPERATIVE_LINES,
    closing: 'Okay, thank you. Goodbye.',
  },
  { name: 'busy', number: '+15005550002', network: 'busy', lines: [] },
  { name: 'no_answer', number: '+15005550003', network: 'no_answer', lines: [] },
  {
    name: 'voicemail',
    number: '+15005550004',
    network: 'answer',
    lines: ["Hi, you've reached Sam. I can't take your call right now. Please leave a message after the tone."],
    // A 1 kHz, 500 ms beep is what most carriers' voicemail plays; machines commonly stop on
    // ~5 s of silence and cap a message at 2 minutes.
    machine: { beepHz: 1000, beepMs: 500, endSilenceMs: 5000, noMessageMs: 15_000, maxMessageMs: 120_000 },
  },
  { name: 'carrier_error', number: '+15005550005', network: 'carrier_error', lines: [] },
  {
    name: 'dnc_request',
    number: '+15005550006',
    network: 'answer',
    lines: ['Please put me on your do not call list.'],
    closing: 'Thank you. Bye.',
  },
  {
    name: 'interrupter',
    number: '+15005550007',
    network: 'answer',
    lines: ['Yes, speaking.', 'Sorry, can I stop you there for a second?', ...COOPERATIVE_LINES],
    closing: 'Okay, thanks. Bye.',
    bargeIn: { agentUtterance: 2, afterMs: 700 },
  },
  { name: 'hangs_up_early', number: '+15005550008', network: 'answer', lines: [], hangupAfterMs: 3000 },
  { name: 'silent', number: '+15005550009', network: 'answer', lines: [] },
  {
    name: 'callback_later',
    number: '+15005550010',
    network: 'answer',
    lines: ['Could you call me back tomorrow afternoon?', 'Around 3 pm would be best.'],
    closing: 'Thanks, bye.',
  },
  {
    name: 'answers_then_transfer',
    number: '+15005550011',
    network: 'answer',
    lines: ['Can I speak to a real person, please?', 'Okay, never mind then.'],
    closing: 'Goodbye.',
  },
];

const BY_NAME = new Map<string, Scenario>(SCENARIOS.map((s) => [s.name, s]));
const BY_NUMBER = new Map<string, Scenario>(SCENARIOS.map((s) => [s.number, s]));

/** Every scenario, in the order of sandbox.md's table. */
export function listScenarios(): readonly Scenario[] {
  return SCENARIOS;
}

/**
 * The scenario for a dial: by name when given, else by the number dialled, else
 * `human_cooperative` (sandbox.md: "Numbers outside this table behave as human_cooperative").
 * An unknown name is the caller's mistake: a non-retryable error that lists the known names.
 */
export function resolveScenario(options: { name?: string | undefined; to: string }): Scenario {
  if (options.name !== undefined) {
    const named = BY_NAME.get(options.name);
    if (!named) {
      throw new ProviderError({
        provider: 'sandbox.carrier',
        message: `Unknown sandbox scenario '${options.name}'. Known scenarios: ${SCENARIO_NAMES.join(', ')}.`,
        status: 400,
        retryable: false,
      });
    }
    return named;
  }
  return BY_NUMBER.get(options.to) ?? (BY_NAME.get('human_cooperative') as Scenario);
}

/** One step of a callee's script. */
export type ScriptItem =
  | { kind: 'say'; text: string }
  /** Presses keys (0-9 * # A-D), one every 200 ms. */
  | { kind: 'dtmf'; digits: string }
  /** Hangs up (`hangup_user`). */
  | { kind: 'hangup' };

const MAX_SCRIPT_ITEMS = 50;
const MAX_LINE_CHARS = 500;
const DTMF_ITEM = /^\[dtmf ([0-9*#A-D]+)\]$/i;

/**
 * Parses `script` lines (sandbox.md: "lines to say in order"). Plain text is said; `[dtmf 12#]`
 * presses keys instead; `[hangup]` hangs up. Anything else in brackets is rejected, so a typo
 * is not read aloud.
 */
export function parseScript(lines: readonly string[]): ScriptItem[] {
  const fail = (message: string) =>
    new ProviderError({ provider: 'sandbox.carrier', message, status: 400, retryable: false });
  if (lines.length > MAX_SCRIPT_ITEMS) throw fail(`A sandbox script holds at most ${MAX_SCRIPT_ITEMS} lines.`);
  return lines.map((raw, i) => {
    const line = raw.trim();
    if (line.length === 0) throw fail(`Sandbox script line ${i} is empty.`);
    if (line.length > MAX_LINE_CHARS) throw fail(`Sandbox script line ${i} is over ${MAX_LINE_CHARS} characters.`);
    if (!line.startsWith('[')) return { kind: 'say', text: line };
    if (line.toLowerCase() === '[hangup]') return { kind: 'hangup' };
    const dtmf = DTMF_ITEM.exec(line);
    if (dtmf) return { kind: 'dtmf', digits: (dtmf[1] as string).toUpperCase() };
    throw fail(`Sandbox script line ${i} '${line}' is not understood: use text, '[dtmf 1]' or '[hangup]'.`);
  });
}

/** The scenario's own lines and closing as script items. */
export function scenarioItems(scenario: Scenario): { items: ScriptItem[]; closing: ScriptItem | null } {
  return {
    items: scenario.lines.map((text) => ({ kind: 'say', text })),
    closing: scenario.closing ? { kind: 'say', text: scenario.closing } : null,
  };
}
