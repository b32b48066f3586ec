import { ProviderError } from '../../errors.js';

/**
 * An error a fake throws on purpose. `connect`: the session (or request) fails before yielding
 * anything, after the fake's connect latency. `mid_stream`: it fails after yielding `afterEvents`
 * items (STT events, TTS chunks, LLM deltas, realtime events).
 */
export type FakeFailure =
  | { at: 'connect'; error: ProviderError }
  | { at: 'mid_stream'; afterEvents: number; error: ProviderError };

/** One failure for every session, or one per session in order (`null`: that session works; past the end: works). */
export type FakeFailures = FakeFailure | readonly (FakeFailure | null)[];

export function failureFor(failures: FakeFailures | undefined, sessionIndex: number): FakeFailure | undefined {
  if (!failures) return undefined;
  if (Array.isArray(failures)) return (failures as readonly (FakeFailure | null)[])[sessionIndex] ?? undefined;
  return failures as FakeFailure;
}

/** A `ProviderError` as a vendor would raise it: `status` decides `retryable` unless given. */
export function fakeProviderError(
  provider: string,
  options: { status?: number; retryable?: boolean; message?: string } = {},
): ProviderError {
  return new ProviderError({
    provider,
    status: options.status,
    retryable: options.retryable,
    message: options.message ?? `${provider}: injected failure${options.status ? ` (HTTP ${options.status})` : ''}`,
  });
}
