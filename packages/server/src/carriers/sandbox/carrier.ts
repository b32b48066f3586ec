import { randomBytes } from 'node:crypto';
import type { Clock } from '../../pipeline/clock.js';
import type { CallCarrier, CarrierCall, DialRequest } from '../carrier.js';
import type { AgentEarOptions } from './agent-ear.js';
import { Callee, type PreparedItem } from './callee.js';
import type { CalleeReport } from './callee-report.js';
import { FrameTicker } from './frame-ticker.js';
import { LineRenderer, type RenderedLine, renderBeep, renderComfortNoise } from './line-renderer.js';
import { type CallTiming, SandboxCall } from './sandbox-call.js';
import { parseScript, resolveScenario, type ScriptItem, scenarioItems } from './scenarios.js';
import { type CalleeVoice, defaultCalleeVoice, type VoiceLogger } from './voice.js';

export interface SandboxCarrierOptions {
  /** The callees' voice (default: espeak-ng when installed, else the synthetic voice). */
  voice?: CalleeVoice;
  /** Told which default voice was chosen. */
  logger?: VoiceLogger;
  /** Network delays; the defaults are a US PSTN call's (see `DEFAULT_TIMING`). */
  timing?: Partial<Omit<CallTiming, 'ringTimeoutMs'>>;
  /** How the callees hear the agent. */
  ear?: AgentEarOptions;
  /** Reports of ended calls kept for `callee()` (default 1000); the oldest go first. */
  keepEnded?: number;
}

/**
 * 500 ms post-dial delay; US ring cadence is 2 s on, 4 s off, and "answers after 2 rings" means
 * picking up as the second ring ends: 6 s + 2 s = 8 s after the first. Busy (SIP 486) and
 * network failures (503) come back within a second, as they do on real trunks.
 */
export const DEFAULT_TIMING: Omit<CallTiming, 'ringTimeoutMs'> = {
  postDialMs: 500,
  answerAfterMs: 8000,
  busyAfterMs: 1000,
  errorAfterMs: 500,
};
const DEFAULT_RING_TIMEOUT_MS = 30_000;

/**
 * The sandbox carrier (sandbox.md): a simulated phone network behind the same `CallCarrier`
 * interface as the real carriers. A dial picks its scenario (by name, else by the number
 * dialled, else `human_cooperative`), renders the callee's lines (before it resolves, holding a
 * virtual clock meanwhile so that rendering costs no call time), and then runs entirely on the
 * request's clock: a `VirtualClock` in tests and `fast` mode, a `RealClock` otherwise (see
 * `sandboxCallClock`). All calls on one clock share one 20 ms ticker.
 */
export class SandboxCarrier implements CallCarrier {
  readonly id = 'sandbox';
  private readonly renderer: LineRenderer;
  private readonly timing: Omit<CallTiming, 'ringTimeoutMs'>;
  private readonly tickers = new WeakMap<Clock, FrameTicker>();
  private readonly reports = new Map<string, CalleeReport>();
  private readonly endedOrder: string[] = [];
  private readonly comfortNoise = renderComfortNoise();
  private readonly beeps = new Map<string, RenderedLine>();
  private active = 0;
  private voice: Promise<CalleeVoice> | null = null;

  constructor(private readonly options: SandboxCarrierOptions = {}) {
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.renderer = new LineRenderer(() => {
      this.voice ??= options.voice ? Promise.resolve(options.voice) : defaultCalleeVoice(options.logger);
      return this.voice;
    });
  }

  /** Calls placed and not yet ended. */
  get activeCalls(): number {
    return this.active;
  }

  async dial(request: DialRequest): Promise<CarrierCall> {
    const scenario = resolveScenario({ name: request.sandbox?.scenario, to: request.to });
    const script = request.sandbox?.script ? parseScript(request.sandbox.script) : null;
    const own = scenarioItems(scenario);
    const release = holdClock(request.clock);
    let items: PreparedItem[];
    let closing: PreparedItem | null;
    try {
      items = await Promise.all((script ?? own.items).map((item) => this.prepare(item)));
      closing = script || !own.closing ? null : await this.prepare(own.closing);
    } finally {
      release();
    }
    const carrierCallId = `SB${randomBytes(16).toString('hex')}`;
    let call: SandboxCall | null = null;
    const callee = new Callee({
      id: carrierCallId,
      scenario,
      items,
      closing,
      beep: scenario.machine ? this.beep(scenario.machine.beepHz, scenario.machine.beepMs) : null,
      comfortNoise: this.comfortNoise,
      ear: this.options.ear,
      actions: {
        hangup: () => call?.end('hangup_user', 'callee'),
        dtmf: (digit, at) => call?.calleeDtmf(digit, at),
      },
    });
    call = new SandboxCall(carrierCallId, {
      clock: request.clock,
      ticker: this.tickerFor(request.clock),
      scenario,
      callee,
      timing: { ...this.timing, ringTimeoutMs: request.ringTimeoutMs ?? DEFAULT_RING_TIMEOUT_MS },
      onEnded: (ended) => this.forget(ended.carrierCallId),
    });
    this.reports.set(carrierCallId, callee.report);
    this.active++;
    call.start();
    return call;
  }

  /** What the callee of a call observed (live while the call goes on), for tests. */
  callee(carrierCallId: string): Readonly<CalleeReport> | undefined {
    return this.reports.get(carrierCallId);
  }

  private async prepare(item: ScriptItem): Promise<PreparedItem> {
    if (item.kind !== 'say') return item;
    return { kind: 'say', line: await this.renderer.render(item.text) };
  }

  private beep(hz: number, ms: number): RenderedLine {
    const key = `${hz}/${ms}`;
    let beep = this.beeps.get(key);
    if (!beep) {
      beep = renderBeep({ hz, ms });
      this.beeps.set(key, beep);
    }
    return beep;
  }

  private tickerFor(clock: Clock): FrameTicker {
    let ticker = this.tickers.get(clock);
    if (!ticker) {
      ticker = new FrameTicker(clock);
      this.tickers.set(clock, ticker);
    }
    return ticker;
  }

  private forget(carrierCallId: string): void {
    this.active--;
    this.endedOrder.push(carrierCallId);
    const keep = this.options.keepEnded ?? 1000;
    while (this.endedOrder.length > keep) this.reports.delete(this.endedOrder.shift() as string);
  }
}

/**
 * The clock a sandbox call runs on (sandbox.md, "Accelerated clock"). The dispatcher asks this
 * and puts the answer in `DialRequest.clock`: the server's virtual clock when its sandbox clock
 * is `fast`, unless the request's `sandbox.clock` is `"realtime"` (a test steering one call
 * live); a real clock otherwise. The carrier itself just runs on whatever clock it is given.
 */
export function sandboxCallClock(options: {
  serverClock: 'realtime' | 'fast';
  requested?: 'realtime' | undefined;
  fast: Clock;
  real: Clock;
}): Clock {
  return options.serverClock === 'fast' && options.requested !== 'realtime' ? options.fast : options.real;
}

/** Holds a virtual clock (one with `hold()`) while real work runs; a no-op on a real clock. */
function holdClock(clock: Clock): () => void {
  const hold = (clock as { hold?: () => () => void }).hold;
  return typeof hold === 'function' ? hold.call(clock) : () => {};
}
