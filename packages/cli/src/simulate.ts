import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SandboxCarrier } from '../../server/src/carriers/sandbox/carrier.js';
import { SCENARIO_NAMES } from '../../server/src/carriers/sandbox/scenarios.js';
import type { Clock } from '../../server/src/pipeline/clock.js';
import { RealClock, VirtualClock } from '../../server/src/pipeline/clocks.js';
import type { SessionEvent } from '../../server/src/pipeline/conversation/session.js';
import { runSandboxConversation } from '../../server/src/pipeline/testing/sandbox-session.js';
import { extract } from '../../server/src/providers/analysis/extractor.js';
import { defaultProviderRegistry } from '../../server/src/providers/registry.js';
import { loadAgent } from './demo-agent.js';
import { latencyLine, transcriptLine } from './format.js';

export interface SimulateOptions {
  scenario: string;
  /** Run on the real clock (the call takes as long as it would on the phone). */
  realtime: boolean;
  /** A JSON file with a `POST /v1/agents` body; default the demo agent. */
  agentPath?: string;
  /** Write the call's recording (WAV, 8 kHz, both sides mixed) here. */
  recordPath?: string;
  /** `energy` (default for sandbox calls) or `silero`. */
  vad?: 'energy' | 'silero';
  /** Start the model before the endpoint on a confident transcript. */
  earlyResponse?: boolean;
  write(text: string): void;
}

/**
 * One sandbox conversation in the terminal: the sandbox carrier and its scripted callee, the
 * offline providers (sandbox STT, scripted LLM, espeak TTS), the real pipeline. Prints the
 * transcript as it happens, each turn's latency, then the call's result and a summary from the
 * deterministic post-call extractor. Returns the exit code.
 */
export async function simulate(options: SimulateOptions): Promise<number> {
  const { write } = options;
  if (!(SCENARIO_NAMES as readonly string[]).includes(options.scenario)) {
    write(`unknown scenario '${options.scenario}'; one of: ${SCENARIO_NAMES.join(', ')}\n`);
    return 2;
  }
  const registry = defaultProviderRegistry();
  const agent = await loadAgent(options.agentPath, registry);
  const clock: Clock = options.realtime ? new RealClock() : new VirtualClock();
  const startedAt = new Date();
  write(
    `simulate · scenario ${options.scenario} · ${options.realtime ? 'real time' : 'virtual clock'} · agent "${agent.name}"\n\n`,
  );
  const onEvent = (e: SessionEvent) => {
    if (e.type === 'transcript.final') write(`${transcriptLine(e.line)}\n`);
    else if (e.type === 'turn.latency') write(`${latencyLine(e.latency)}\n`);
    else if (e.type === 'tool.called')
      write(`           tool ${e.call.name}(${e.call.arguments}) → ${e.call.result}\n`);
    else if (e.type === 'voicemail.detected') write(`           voicemail detected (${e.signal})\n`);
    else if (e.type === 'provider.fallback') write(`           ${e.event.from} failed; ${e.event.to} takes over\n`);
    else if (e.type === 'error' && e.fatal) write(`           error (${e.source}): ${String(e.error)}\n`);
  };
  const recordingPath = options.recordPath ? resolve(options.recordPath) : undefined;
  const { result, callee } = await runSandboxConversation({
    scenario: options.scenario,
    agent,
    clock,
    carrier: new SandboxCarrier(),
    registry,
    vad: options.vad ?? 'energy',
    recordingPath,
    earlyResponse: options.earlyResponse ? {} : undefined,
    tools: { addToDnc: async () => undefined },
    onEvent,
  });
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  write(`\nended: ${result.endReason} after ${seconds(result.durationMs)} · answered by ${result.answeredBy}\n`);
  const { latency } = result;
  const fmt = (v: number | null) => (v === null ? '–' : `${Math.round(v)} ms`);
  write(
    `latency: ${latency.turns} turns · first response ${fmt(latency.first_response_ms)} · ` +
      `p50 ${fmt(latency.p50_ms)} · p95 ${fmt(latency.p95_ms)}\n`,
  );
  if (callee.agentStoppedAfterMs !== null)
    write(`barge-in: the agent stopped ${callee.agentStoppedAfterMs} ms after the callee started talking\n`);
  if (callee.voicemail)
    write(`voicemail: the machine recorded ${seconds(callee.voicemail.messageMs)} of the agent's message\n`);
  const analysis = extract(result.transcript, { referenceTime: startedAt, schema: agent.extraction_schema });
  write(`summary: ${analysis.summary}\n`);
  if (agent.extraction_schema) write(`data: ${JSON.stringify(analysis.data)}\n`);
  write(`providers: ${Object.values(result.providers).join(', ')}\n`);
  if (result.recording) {
    const { size } = await stat(result.recording.path);
    write(
      `recording: ${result.recording.path} (${seconds(result.recording.durationMs)}, ${Math.round(size / 1024)} kB)\n`,
    );
  }
  return 0;
}
