import { PlatformError } from '../errors.js';

/**
 * Number provisioning and caller-ID verification through a carrier: the other half of a
 * carrier beside call control (`carrier.ts`). The phone-number API sees only this; the sandbox,
 * and later Twilio and Telnyx, sit behind it. A carrier serves one mode: the sandbox test mode,
 * the real ones live mode.
 */
export interface NumberCarrier {
  /** `sandbox`, `twilio`, `telnyx`: what a phone number's `carrier` field says. */
  readonly id: string;
  /** The mode this carrier serves; the registry never hands it to the other one. */
  readonly livemode: boolean;
  /**
   * Buys (reserves) one number. Resolves with a number the tenant now holds; nothing is bought
   * when it rejects. Rejects with a `NumberCarrierError`: `invalid_request` naming the field the
   * carrier cannot honour (a country or area code it has no numbers for), `unavailable` when the
   * carrier could not be reached or failed (retryable).
   */
  provision(request: ProvisionRequest): Promise<ProvisionedNumber>;
  /**
   * Delivers `code` to `phoneNumber` by a call that speaks it or an SMS that carries it. Resolves
   * once the carrier has accepted the delivery (not once the person heard it), with how it is
   * sent and the attestation the carrier will sign calls from the number with once verified.
   */
  startVerification(request: VerificationRequest): Promise<VerificationDelivery>;
  /**
   * Gives a provisioned number back, or forgets a verified caller ID. A number the carrier no
   * longer holds (already released) resolves: releasing is idempotent, so a retried DELETE
   * completes. Rejects with `unavailable` only when the carrier could not be asked.
   */
  release(request: ReleaseRequest): Promise<void>;
}

/** What to provision: an ISO 3166-1 alpha-2 country and, where the country has them, an area code. */
export interface ProvisionRequest {
  country: string;
  areaCode?: string | undefined;
}

export type Attestation = 'A' | 'B' | 'C';

export interface ProvisionedNumber {
  /** E.164. */
  phoneNumber: string;
  /** The carrier's handle for the number (needed to release it), when it has one. */
  carrierRef: string | null;
  capabilities: { voice: boolean; sms: boolean };
  /** STIR/SHAKEN attestation for calls from this number: the carrier owns it, so normally A. */
  attestation: Attestation;
}

export interface VerificationRequest {
  /** E.164 number the tenant says it owns. */
  phoneNumber: string;
  /** The 6-digit code to deliver; the carrier never keeps it beyond delivery. */
  code: string;
  /** Our phone number id (`num_…`), for the carrier's logs and the sandbox's delivery record. */
  reference: string;
}

export interface VerificationDelivery {
  channel: 'call' | 'sms';
  /** What the carrier will attest calls from this number with once it is verified. */
  attestation: Attestation;
}

export interface ReleaseRequest {
  phoneNumber: string;
  carrierRef: string | null;
  /** Our phone number id. */
  reference: string;
}

/**
 * A carrier's refusal or failure. `invalid_request` is the caller's to fix (rendered as a 400 at
 * `field`); `no_inventory` means no number matches (409); `unavailable` is the carrier's fault and
 * worth retrying (502).
 */
export class NumberCarrierError extends PlatformError {
  override name = 'NumberCarrierError';
  readonly carrier: string;
  readonly kind: 'invalid_request' | 'no_inventory' | 'unavailable';
  /** The request field at fault (`country`, `area_code`), for `invalid_request`. */
  readonly field: string | undefined;

  constructor(options: {
    carrier: string;
    kind: NumberCarrierError['kind'];
    message: string;
    field?: string;
  }) {
    super(options.message);
    this.carrier = options.carrier;
    this.kind = options.kind;
    this.field = options.field;
  }
}
