import type { ProviderError } from '../errors.js';
import type { Clock } from '../pipeline/clock.js';
import { resilientLlm } from './fallback-llm.js';
import { resilientStt } from './fallback-stt.js';
import { resilientTts } from './fallback-tts.js';
import type { LlmProvider } from './llm/llm.js';
import type { RetryOptions } from './provider.js';
import type { ProviderKind } from './registry.js';
import type { SttProvider } from './stt/stt.js';
import type { TtsProvider } from './tts/tts.js';

/** A provider that failed was replaced by the next one for the rest of the session (or request). */
export interface FallbackEvent {
  kind: ProviderKind;
  /** Labels: the one that failed and the one taking over. */
  from: string;
  to: string;
  error: ProviderError;
  /** The failed session had already produced output (a transcript, audio, text). */
  midStream: boolean;
}

export interface ResilienceOptions {
  clock: Clock;
  /** Retries of each provider before handing over (defaults: `DEFAULT_RETRY`). */
  retry?: Partial<RetryOptions>;
  onFallback?: (event: FallbackEvent) => void;
  onRetry?: (info: { provider: string; attempt: number; delayMs: number; error: Error }) => void;
}

/**
 * Wraps a provider so that its sessions survive failures (issue 4: "a provider failing mid-call
 * falls back to the agent's fallback provider"): a retryable failure is retried on the same
 * provider (backoff from the retry options), then, or at once for a non-retryable one, the
 * fallback takes over, in the same session, without the consumer reopening anything:
 * - STT: a new session is opened and the audio since the last final is replayed into it, then
 *   audio keeps flowing;
 * - TTS: the segments not yet finished are synthesised again by the new session, skipping the
 *   audio of the interrupted segment that was already yielded;
 * - LLM: the same context is run again; text already yielded is not repeated when the new
 *   completion starts with it, and a completion that says something else is dropped (the turn
 *   ends where the failed one stopped). Later completions of the call start at the fallback.
 * With no fallback (`undefined`) the wrapper still retries; the last error is thrown to the
 * consumer, who ends the call with `provider_error`. The wrapper keeps the primary's label.
 */
export function withFallback(
  primary: SttProvider,
  fallback: SttProvider | undefined,
  options: ResilienceOptions,
): SttProvider;
export function withFallback(
  primary: TtsProvider,
  fallback: TtsProvider | undefined,
  options: ResilienceOptions,
): TtsProvider;
export function withFallback(
  primary: LlmProvider,
  fallback: LlmProvider | undefined,
  options: ResilienceOptions,
): LlmProvider;
export function withFallback(
  primary: SttProvider | TtsProvider | LlmProvider,
  fallback: SttProvider | TtsProvider | LlmProvider | undefined,
  options: ResilienceOptions,
): SttProvider | TtsProvider | LlmProvider {
  const chain = fallback ? [primary, fallback] : [primary];
  switch (primary.kind) {
    case 'stt':
      return resilientStt(chain as SttProvider[], options);
    case 'tts':
      return resilientTts(chain as TtsProvider[], options);
    case 'llm':
      return resilientLlm(chain as LlmProvider[], options);
  }
}
