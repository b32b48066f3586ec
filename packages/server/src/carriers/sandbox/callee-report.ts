import type { CarrierEndReason } from '../carrier.js';
import type { ScenarioName } from './scenarios.js';

/**
 * What a sandbox callee observed, for tests (`SandboxCarrier.callee(carrierCallId)`). Times are
 * on the call's clock. The callee hears only audio energy, never words: "the agent spoke" means
 * frames at or above its threshold reached it through the line.
 */
export interface CalleeReport {
  scenario: ScenarioName;
  answeredAt: number | null;
  /** Each agent utterance the callee heard, in order. */
  agentUtterances: HeardUtterance[];
  /** Loud agent audio heard in total, in ms. */
  agentSpeechMs: number;
  /** What the callee said, in order (the beep is not a line). */
  lines: SpokenLine[];
  /** The interrupter's barge-in, once it happened. */
  bargeIn: BargeIn | null;
  /**
   * From the callee's barge-in onset (its first frame on the line) to the end of the agent's
   * last loud frame after it; 0 when the agent was already quiet. Null until the agent's
   * interrupted utterance has ended (or when there was no barge-in).
   */
  agentStoppedAfterMs: number | null;
  /** Digits the agent sent with `sendDtmf`, in order. */
  dtmfReceived: string;
  /** Digits the callee pressed (script `[dtmf …]`). */
  dtmfSent: string;
  /** Set for an answering machine. */
  voicemail: VoicemailReport | null;
  /** Set when the agent transferred the call. */
  transfer: { to: string; mode: 'cold' | 'warm'; summary: string | null; at: number } | null;
  /** Frames the agent sent that the line dropped: queued when `clearAudio` came, or beyond the queue. */
  agentFramesCleared: number;
  ended: { reason: CarrierEndReason; at: number; by: 'callee' | 'agent' | 'network' } | null;
}

export interface HeardUtterance {
  startAt: number;
  /** End of its last loud frame; null while it goes on. */
  endAt: number | null;
  durationMs: number | null;
}

export interface SpokenLine {
  text: string;
  /** The `SpeechMark.utteranceId` its frames carried. */
  utteranceId: string;
  startAt: number;
  /** End of its last frame on the line; null while it is being said. */
  endAt: number | null;
  /** Said over the agent on purpose (the interrupter). */
  bargeIn: boolean;
  /** Cut short by the end of the call. */
  cut: boolean;
}

export interface BargeIn {
  /** The callee's onset: the first frame of its line. */
  at: number;
  /** Which agent utterance (1-based) it talked over. */
  agentUtterance: number;
}

export interface VoicemailReport {
  greetingEndAt: number | null;
  /** End of the beep: recording starts here. */
  recordingFrom: number | null;
  /** Agent speech heard during the greeting and the beep (talking over the machine). */
  agentSpeechDuringGreetingMs: number;
  /** Agent speech recorded after the beep: the message. */
  messageMs: number;
  /** First and last loud frame of the message. */
  messageStartAt: number | null;
  messageEndAt: number | null;
  /** RMS (PCM16) over the message's loud frames. */
  messageRms: number;
}

export function emptyReport(scenario: ScenarioName, machine: boolean): CalleeReport {
  return {
    scenario,
    answeredAt: null,
    agentUtterances: [],
    agentSpeechMs: 0,
    lines: [],
    bargeIn: null,
    agentStoppedAfterMs: null,
    dtmfReceived: '',
    dtmfSent: '',
    voicemail: machine
      ? {
          greetingEndAt: null,
          recordingFrom: null,
          agentSpeechDuringGreetingMs: 0,
          messageMs: 0,
          messageStartAt: null,
          messageEndAt: null,
          messageRms: 0,
        }
      : null,
    transfer: null,
    agentFramesCleared: 0,
    ended: null,
  };
}
