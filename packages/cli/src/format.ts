import type { TranscriptLine, TurnLatency } from '../../server/src/pipeline/conversation/types.js';

/** `mm:ss.t` from ms. */
export function clockTime(ms: number): string {
  const tenths = Math.max(0, Math.round(ms / 100));
  const minutes = Math.floor(tenths / 600);
  const seconds = (tenths % 600) / 10;
  return `${String(minutes).padStart(2, '0')}:${seconds.toFixed(1).padStart(4, '0')}`;
}

/** `[00:05.1] agent: Great. Can you … [interrupted]` */
export function transcriptLine(line: TranscriptLine): string {
  const who = line.role === 'user' ? 'callee' : line.role;
  return `[${clockTime(line.start_ms)}] ${who}: ${line.text}${line.interrupted ? ' [interrupted]' : ''}`;
}

const step = (from: number, to: number | null) => (to === null ? '–' : `+${Math.round(to - from)}`);

/**
 * One turn's `turn.latency` figures, step by step on the call's clock: the callee's end of speech
 * (VAD), the STT's final, the endpoint decision, the LLM's first token, the TTS's first byte, the
 * first audio frame out; then the total and the platform's own share of it.
 */
export function latencyLine(l: TurnLatency): string {
  let at = l.caller_speech_end;
  const steps = [
    ['stt final', l.stt_final],
    ['endpoint', l.endpoint],
    ['llm first token', l.llm_first_token],
    ['tts first byte', l.tts_first_byte],
    ['audio out', l.first_audio_out],
  ] as const;
  const parts = steps.map(([name, t]) => {
    const text = `${name} ${step(at, t)}`;
    if (t !== null) at = t;
    return text;
  });
  return `           turn ${l.turn} latency: ${Math.round(l.total_ms)} ms (speech end → ${parts.join(' → ')}; platform ${Math.round(l.platform_ms)} ms)`;
}
