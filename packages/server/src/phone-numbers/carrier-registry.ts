import { type NumberCarrier, NumberCarrierError } from '../carriers/numbers.js';
import type { Settings } from '../config.js';
import { HttpError } from '../errors.js';

/**
 * Which number carrier serves a request: test mode → the sandbox; live mode → the configured
 * real carriers. No real number carrier exists yet, so live mode has none and every provisioning
 * or verification there answers 503 saying which settings configure one.
 */
export class NumberCarrierRegistry {
  readonly #carriers: readonly NumberCarrier[];
  readonly #settings: () => Settings;

  constructor(options: {
    /** Every carrier this server has, each serving the mode it says. */
    carriers: readonly NumberCarrier[];
    /** The current settings, read when explaining why live mode has no carrier. */
    settings: () => Settings;
  }) {
    this.#carriers = options.carriers;
    this.#settings = options.settings;
  }

  /** Carrier ids available in a mode, in preference order. */
  ids(livemode: boolean): string[] {
    return this.#carriers.filter((c) => c.livemode === livemode).map((c) => c.id);
  }

  /**
   * The carrier for a new number: the one asked for, or the mode's first. 503 when the mode has
   * none, 400 at `carrier` when the one asked for does not serve this mode.
   */
  choose(livemode: boolean, requested: string | undefined): NumberCarrier {
    const available = this.#carriers.filter((c) => c.livemode === livemode);
    const first = available[0];
    if (!first) throw this.unavailable(livemode);
    if (requested === undefined) return first;
    const match = available.find((c) => c.id === requested);
    if (match) return match;
    const mode = livemode ? 'live' : 'test';
    throw new HttpError(
      400,
      'validation_error',
      `Invalid request body: carrier: '${requested}' is not a ${mode}-mode carrier here.`,
      {
        errors: [
          {
            path: 'carrier',
            message: `'${requested}' does not serve ${mode} mode; ${mode} mode has ${available.map((c) => `'${c.id}'`).join(', ')}`,
          },
        ],
      },
    );
  }

  /** The carrier that holds an existing number (to release it); 503 when it is gone from the configuration. */
  holding(livemode: boolean, id: string): NumberCarrier {
    const carrier = this.#carriers.find((c) => c.livemode === livemode && c.id === id);
    if (!carrier) throw this.unavailable(livemode, id);
    return carrier;
  }

  unavailable(livemode: boolean, id?: string): HttpError {
    if (!livemode) {
      return new HttpError(
        503,
        'carrier_unavailable',
        `The sandbox number carrier${id ? ` '${id}'` : ''} is not running in this process.`,
      );
    }
    const s = this.#settings();
    const configured = [
      s.TWILIO_ACCOUNT_SID && s.TWILIO_AUTH_TOKEN ? 'TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN' : undefined,
      s.TELNYX_API_KEY ? 'TELNYX_API_KEY' : undefined,
    ].filter(Boolean);
    const why = configured.length
      ? `${configured.join(' and ')} ${configured.length > 1 ? 'are' : 'is'} set, but this server cannot buy or verify numbers through ${configured.length > 1 ? 'them' : 'it'} yet.`
      : 'Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (Twilio) or TELNYX_API_KEY (Telnyx) in the environment or the config file to configure one.';
    return new HttpError(
      503,
      'carrier_unavailable',
      `Live-mode phone numbers need a real carrier${id ? ` ('${id}')` : ''}, and none is available. ${why} Test-mode keys (sk_test_…) get numbers from the sandbox carrier.`,
    );
  }
}

/** Runs a carrier operation, turning its `NumberCarrierError` into the API's answer. */
export async function throughCarrier<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (!(err instanceof NumberCarrierError)) throw err;
    if (err.kind === 'invalid_request') {
      const path = err.field ?? 'carrier';
      throw new HttpError(400, 'validation_error', `Invalid request body: ${path}: ${err.message}.`, {
        errors: [{ path, message: err.message }],
      });
    }
    if (err.kind === 'no_inventory') {
      throw new HttpError(409, 'no_numbers_available', `The ${err.carrier} carrier: ${err.message}.`);
    }
    throw new HttpError(502, 'carrier_error', `The ${err.carrier} carrier failed: ${err.message}. Try again shortly.`);
  }
}
