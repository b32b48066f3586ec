import type { Clock } from '../pipeline/clock.js';
import type { SpeechMark } from '../pipeline/speech-mark.js';

/**
 * The call carriers' one interface (STYLE.md, "How the parts plug in"). The voice engine sees
 * only this: the sandbox network, Twilio, Telnyx and the SIP stack all sit behind it. A carrier
 * has two halves: call control (dial, hang up, transfer: here) and media (a `CarrierCall`'s
 * 20 ms frames in the carrier's own encoding; a real carrier's serializer turns its wire format
 * into these calls).
 */
export interface CallCarrier {
  /** `sandbox`, `twilio`, `telnyx`, `sip`. */
  readonly id: string;
  /**
   * Places a call. Resolves as soon as the carrier has accepted it (it may still be ringing);
   * progress arrives as events on the returned call. Rejects only when the carrier refused the
   * request outright (a `ProviderError`-like error with `retryable`); a call that fails later
   * (busy, no answer, carrier error) resolves and then reports `ended`.
   */
  dial(request: DialRequest): Promise<CarrierCall>;
}

export interface DialRequest {
  /** Our call id (`call_…`), for logs and the carrier's metadata. */
  callId: string;
  /** E.164 or sip: URI. */
  to: string;
  /** E.164 caller id. */
  from: string;
  /** The clock the call runs on; the sandbox honours a virtual one, real carriers need real time. */
  clock: Clock;
  /** Sandbox only (sandbox.md): the scenario by name and its optional script lines. */
  sandbox?: { scenario?: string; script?: string[] };
  /** Ring this long before giving up with `no_answer` (default 30 s). */
  ringTimeoutMs?: number;
}

/** How a call's audio is encoded on the wire between us and the carrier. */
export interface MediaFormat {
  /** `pcmu` (G.711 μ-law), `pcma` (G.711 A-law) or `l16` (PCM16 little-endian). */
  encoding: 'pcmu' | 'pcma' | 'l16';
  /** 8000 for PSTN carriers. */
  sampleRate: number;
  /** Bytes in one 20 ms frame (160 for G.711 at 8 kHz). */
  frameBytes: number;
}

/** Why the carrier says a call ended. */
export type CarrierEndReason =
  | 'hangup_user'
  | 'hangup_agent'
  | 'busy'
  | 'no_answer'
  | 'carrier_error'
  | 'transferred'
  | 'rejected';

/** What happens on a call, in order. Audio does not come through here (see `onAudio`). */
export type CarrierEvent =
  | { type: 'ringing'; at: number }
  | { type: 'answered'; at: number }
  | { type: 'dtmf'; digit: string; at: number }
  | { type: 'ended'; reason: CarrierEndReason; at: number; detail?: string };

/**
 * One call on a carrier. Times (`at`) are on the call's clock. After `ended` no further event or
 * audio arrives and every method becomes a harmless no-op.
 */
export interface CarrierCall {
  readonly carrierCallId: string;
  readonly media: MediaFormat;
  /** Sets the one listener for call progress. Events that happened before it was set are delivered to it at once, in order. */
  onEvent(listener: (event: CarrierEvent) => void): void;
  /**
   * Sets the one listener for inbound audio: one 20 ms frame per call, in `media` encoding. The
   * buffer is only valid during the call (the carrier may reuse it): copy what you keep. `mark`
   * is set only by the sandbox, on frames of a callee utterance.
   */
  onAudio(listener: (payload: Uint8Array, mark: SpeechMark | undefined) => void): void;
  /** Sends exactly one 20 ms frame in `media` encoding. The engine paces; the carrier plays in order. The buffer may be reused after the call returns. */
  sendAudio(payload: Uint8Array): void;
  /** Drops audio queued at the carrier but not yet played (barge-in; Twilio's `clear`). */
  clearAudio(): void;
  /** Plays DTMF digits (0-9*#ABCD) to the far end. */
  sendDtmf(digits: string): Promise<void>;
  /** Ends the call. Already ended is success. */
  hangup(): Promise<void>;
  /** Hands the call to `to` (E.164 or sip:). Cold: we leave at once; warm: `summary` is spoken to the new party first. */
  transfer(to: string, options: { mode: 'cold' | 'warm'; summary?: string }): Promise<void>;
}
