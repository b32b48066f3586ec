import type { AgentConfig } from '../../agents/schema.js';
import type { CalleeReport } from '../../carriers/sandbox/callee-report.js';
import { SandboxCarrier } from '../../carriers/sandbox/carrier.js';
import type { Clock } from '../clock.js';
import { VirtualClock } from '../clocks.js';
import { type SessionEvent, type SessionOptions, type SessionResult, startSession } from '../conversation/session.js';

export interface SandboxConversationOptions extends Partial<Omit<SessionOptions, 'call' | 'clock' | 'agent'>> {
  agent: AgentConfig;
  scenario: string;
  /** Script lines replacing the scenario's (sandbox.md `script`). */
  script?: string[];
  /** Default: a new `VirtualClock`, run as fast as the work allows. */
  clock?: Clock;
  /** Share one carrier across calls: it caches the callees' rendered lines. */
  carrier?: SandboxCarrier;
}

export interface SandboxConversation {
  result: SessionResult;
  /** What the scripted callee observed. */
  callee: CalleeReport;
  events: SessionEvent[];
  /** Clock time of the dial (the call's `answered` and `ended` are on the same clock). */
  dialledAt: number;
}

/**
 * One whole sandbox call through the real engine: dial the scenario on the sandbox carrier,
 * start a session (test mode: sandbox STT, scripted LLM, espeak TTS, energy VAD unless told
 * otherwise) and run the clock until the conversation has ended. With a `VirtualClock` the call
 * takes virtual time only; with a real clock it takes as long as the call.
 */
export async function runSandboxConversation(options: SandboxConversationOptions): Promise<SandboxConversation> {
  const clock = options.clock ?? new VirtualClock();
  const carrier = options.carrier ?? new SandboxCarrier();
  const dialledAt = clock.now();
  const call = await carrier.dial({
    callId: 'call_sandbox',
    to: '+15005550001',
    from: '+15005551000',
    clock,
    sandbox: { scenario: options.scenario, script: options.script },
  });
  const events: SessionEvent[] = [];
  const session = await startSession({
    mode: 'test',
    ...options,
    call,
    clock,
    onEvent: (e) => {
      events.push(e);
      options.onEvent?.(e);
    },
  });
  let result: SessionResult;
  if (clock instanceof VirtualClock) {
    const stop = new AbortController();
    const ended = session.ended.finally(() => stop.abort());
    await clock.run({ signal: stop.signal });
    result = await ended;
  } else result = await session.ended;
  const callee = carrier.callee(call.carrierCallId);
  if (!callee) throw new Error(`the sandbox carrier has no report for ${call.carrierCallId}`);
  return { result, callee: structuredClone(callee), events, dialledAt };
}
