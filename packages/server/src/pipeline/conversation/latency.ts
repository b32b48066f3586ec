import type { TurnLatency } from './types.js';

interface Marks {
  speechEnd: number;
  endpoint: number;
  sttFinal: number | undefined;
  llmRequest?: number;
  llmFirstToken?: number;
  ttsRequest?: number;
  ttsFirstByte?: number;
}

/**
 * Collects one agent turn's timestamps from the stages that see them and emits the turn's
 * latency when its first audio frame leaves. Only turns that answer a caller turn are measured
 * (the first message, reprompts and `say` have no caller speech to measure from).
 */
export class LatencyTracker {
  private readonly turns = new Map<number, Marks>();
  readonly done: TurnLatency[] = [];

  constructor(
    /** The call's answer time: reported times are ms from it. */
    private readonly origin: () => number,
    private readonly onTurn: (latency: TurnLatency) => void,
  ) {}

  begin(turn: number, marks: { speechEnd: number; endpoint: number; sttFinal: number | undefined }): void {
    this.turns.set(turn, { ...marks });
  }

  llmRequest(turn: number, at: number): void {
    const m = this.turns.get(turn);
    if (m && m.llmRequest === undefined) m.llmRequest = at;
  }

  llmFirstToken(turn: number, at: number): void {
    const m = this.turns.get(turn);
    if (m && m.llmFirstToken === undefined) m.llmFirstToken = at;
  }

  ttsRequest(turn: number, at: number): void {
    const m = this.turns.get(turn);
    if (m && m.ttsRequest === undefined) m.ttsRequest = at;
  }

  ttsFirstByte(turn: number, at: number): void {
    const m = this.turns.get(turn);
    if (m && m.ttsFirstByte === undefined) m.ttsFirstByte = at;
  }

  /** The turn's first frame went to the carrier: the turn is measured. */
  firstAudioOut(turn: number, at: number): void {
    const m = this.turns.get(turn);
    if (!m) return;
    this.turns.delete(turn);
    const o = this.origin();
    const rel = (t: number | undefined) => (t === undefined ? null : round(t - o));
    const llmWait = m.llmFirstToken !== undefined && m.llmRequest !== undefined ? m.llmFirstToken - m.llmRequest : 0;
    const ttsWait = m.ttsFirstByte !== undefined && m.ttsRequest !== undefined ? m.ttsFirstByte - m.ttsRequest : 0;
    const latency: TurnLatency = {
      turn,
      caller_speech_end: round(m.speechEnd - o),
      endpoint: round(m.endpoint - o),
      stt_final: rel(m.sttFinal),
      llm_first_token: rel(m.llmFirstToken),
      tts_first_byte: rel(m.ttsFirstByte),
      first_audio_out: round(at - o),
      total_ms: round(at - m.speechEnd),
      // The endpointing wait is policy, not overhead; provider waits are the vendors' share.
      platform_ms: round(Math.max(0, at - m.endpoint - llmWait - ttsWait)),
    };
    this.done.push(latency);
    this.onTurn(latency);
  }

  /** Drops a turn that was cancelled before any audio left. */
  cancel(turn: number): void {
    this.turns.delete(turn);
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** The call's `latency` summary (api.md): over the measured turns, caller speech end → first audio. */
export function summarizeLatency(turns: readonly TurnLatency[], firstResponseMs: number | null) {
  const totals = turns.map((t) => t.total_ms).sort((a, b) => a - b);
  const pick = (q: number) =>
    totals.length ? (totals[Math.min(totals.length - 1, Math.ceil(q * totals.length) - 1)] as number) : null;
  return { turns: turns.length, first_response_ms: firstResponseMs, p50_ms: pick(0.5), p95_ms: pick(0.95) };
}
