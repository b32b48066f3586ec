import { randomInt } from 'node:crypto';
import {
  type NumberCarrier,
  NumberCarrierError,
  type ProvisionedNumber,
  type ProvisionRequest,
  type ReleaseRequest,
  type VerificationDelivery,
  type VerificationRequest,
} from '../numbers.js';

/**
 * The sandbox's number carrier (sandbox.md: "provisioned instantly from the sandbox range,
 * verified, attestation A"), test mode only.
 *
 * The range is +1 500 555 1000 … +1 500 555 9999 without 1212. Not a subscriber's number: NPA
 * 500 is non-geographic (personal communications services), the 555 exchange is NANP's reserved
 * one (0100–0199 for fiction, 1212 for directory assistance, which we skip), and +1 500 555 is the
 * prefix Twilio's test credentials use for their magic numbers, so nobody routes it. We never
 * dial it anyway: sandbox numbers exist only on the simulated network. It stays clear of the
 * scenario numbers, +1 500 555 00xx (sandbox.md), so a sandbox number never picks a scenario.
 * That is 8,999 numbers per tenant: sandbox numbers are unique per tenant and mode, not globally.
 */
export const SANDBOX_NUMBER_PREFIX = '+1500555';
export const SANDBOX_AREA_CODE = '500';
const FIRST_LINE = 1000;
const LAST_LINE = 9999;
const SKIPPED_LINE = 1212;
/** How many numbers the range holds. */
export const SANDBOX_RANGE_SIZE = LAST_LINE - FIRST_LINE + 1 - 1;
/** NANP countries; the range is a NANP one, so only these can hold it. */
const SANDBOX_COUNTRIES = ['US', 'CA'];
/** Deliveries kept per outbox; older ones are dropped first. */
const OUTBOX_LIMIT = 1000;

/** True for a number of the sandbox range (not a scenario number). */
export function isSandboxRangeNumber(phoneNumber: string): boolean {
  if (!phoneNumber.startsWith(SANDBOX_NUMBER_PREFIX) || phoneNumber.length !== 12) return false;
  const line = Number(phoneNumber.slice(SANDBOX_NUMBER_PREFIX.length));
  return Number.isInteger(line) && line >= FIRST_LINE && line <= LAST_LINE && line !== SKIPPED_LINE;
}

/** A code "delivered" by the sandbox: what a real carrier would have spoken on the call. */
export interface SandboxDelivery {
  /** Our phone number id (`num_…`) the code was sent for. */
  reference: string;
  phoneNumber: string;
  channel: 'call';
  code: string;
  /** The words the verification call speaks. */
  message: string;
  /** Milliseconds since the epoch. */
  deliveredAt: number;
}

/**
 * Where the sandbox's verification calls land, one per carrier instance (so per process).
 * Until calls and their events exist, this is how a test reads the code it was "called" with;
 * it moves to the verification call's events then.
 */
export class SandboxOutbox {
  readonly #deliveries: SandboxDelivery[] = [];

  push(delivery: SandboxDelivery): void {
    this.#deliveries.push(delivery);
    if (this.#deliveries.length > OUTBOX_LIMIT) this.#deliveries.shift();
  }

  /** The latest delivery for a phone number id, or undefined. */
  latest(reference: string): SandboxDelivery | undefined {
    for (let i = this.#deliveries.length - 1; i >= 0; i--) {
      const d = this.#deliveries[i];
      if (d?.reference === reference) return d;
    }
    return undefined;
  }
}

export interface SandboxNumberCarrierOptions {
  /** Receives every verification code; a fresh one when absent. */
  outbox?: SandboxOutbox;
  /** Milliseconds since the epoch, for delivery times. */
  now?: () => number;
  /** A whole number in [0, max): which line of the range to hand out next. */
  randomLine?: (max: number) => number;
}

export class SandboxNumberCarrier implements NumberCarrier {
  readonly id = 'sandbox';
  readonly livemode = false;
  readonly outbox: SandboxOutbox;
  readonly #now: () => number;
  readonly #randomLine: (max: number) => number;

  constructor(options: SandboxNumberCarrierOptions = {}) {
    this.outbox = options.outbox ?? new SandboxOutbox();
    this.#now = options.now ?? Date.now;
    this.#randomLine = options.randomLine ?? randomInt;
  }

  /** A random number of the range: the caller retries when the tenant already holds it. */
  async provision(request: ProvisionRequest): Promise<ProvisionedNumber> {
    if (!SANDBOX_COUNTRIES.includes(request.country)) {
      throw new NumberCarrierError({
        carrier: this.id,
        kind: 'invalid_request',
        field: 'country',
        message: `the sandbox carrier has numbers for ${SANDBOX_COUNTRIES.join(' and ')} only (its range is +1 500 555 1xxx–9xxx)`,
      });
    }
    if (request.areaCode !== undefined && request.areaCode !== SANDBOX_AREA_CODE) {
      throw new NumberCarrierError({
        carrier: this.id,
        kind: 'invalid_request',
        field: 'area_code',
        message: `the sandbox range is in area code ${SANDBOX_AREA_CODE}: send ${SANDBOX_AREA_CODE} or leave area_code out`,
      });
    }
    return {
      phoneNumber: sandboxNumber(this.#randomLine(SANDBOX_RANGE_SIZE)),
      carrierRef: null,
      capabilities: { voice: true, sms: true },
      attestation: 'A',
    };
  }

  async startVerification(request: VerificationRequest): Promise<VerificationDelivery> {
    const spaced = request.code.split('').join(' ');
    this.outbox.push({
      reference: request.reference,
      phoneNumber: request.phoneNumber,
      channel: 'call',
      code: request.code,
      message: `This is CallingScout. Your verification code is ${spaced}. Again: ${spaced}.`,
      deliveredAt: this.#now(),
    });
    return { channel: 'call', attestation: 'A' };
  }

  /** Sandbox numbers cost nothing and are held by no one else: releasing has nothing to undo. */
  async release(_request: ReleaseRequest): Promise<void> {}
}

/** The `index`-th number of the range (0 ≤ index < SANDBOX_RANGE_SIZE). */
export function sandboxNumber(index: number): string {
  const line = FIRST_LINE + index;
  return `${SANDBOX_NUMBER_PREFIX}${line >= SKIPPED_LINE ? line + 1 : line}`;
}
