import { toProviderError } from './errors.js';
import type { ResilienceOptions } from './fallback.js';
import type { LlmContext, LlmDelta, LlmProvider, LlmStreamOptions } from './llm/llm.js';
import { retryStream } from './retry.js';

/**
 * See `withFallback`. `timeoutMs` bounds the wait for each completion's first delta. A provider
 * made for a call serves the whole call: once one has handed over, later completions start at
 * the one that took over (the failed primary is not retried, with its backoff, on every turn).
 */
export function resilientLlm(chain: readonly LlmProvider[], options: ResilienceOptions): LlmProvider {
  const primary = chain[0] as LlmProvider;
  const state = { start: 0 };
  return {
    kind: 'llm',
    label: primary.label,
    capabilities: { tools: chain.every((p) => p.capabilities.tools) },
    stream: (context, streamOptions) => run(chain.slice(state.start), options, context, streamOptions, state),
  };
}

async function* run(
  chain: readonly LlmProvider[],
  options: ResilienceOptions,
  context: LlmContext,
  streamOptions: LlmStreamOptions,
  state: { start: number },
): AsyncGenerator<LlmDelta> {
  const signal = streamOptions.signal;
  /** Text already yielded; a replacement's output is matched against it so it is not said twice. */
  let spoken = '';
  const calls = new Set<string>();
  for (const [index, provider] of chain.entries()) {
    let replay = '';
    let matching = spoken.length > 0;
    try {
      const deltas = retryStream((s) => provider.stream(context, { ...streamOptions, signal: s }), {
        clock: options.clock,
        provider: provider.label,
        retry: options.retry,
        signal,
        onRetry: (info) => options.onRetry?.({ provider: provider.label, ...info }),
      });
      for await (const delta of deltas) {
        if (delta.type === 'text' && matching) {
          // Hold the replacement's text back while it repeats what was already said.
          replay += delta.text;
          if (spoken.startsWith(replay)) continue;
          matching = false;
          // A re-run that says something else than what was already spoken is not used: the
          // caller would hear a second, different sentence. The turn ends where the failed one stopped.
          if (!replay.startsWith(spoken)) return;
          const rest = replay.slice(spoken.length);
          if (rest) {
            spoken += rest;
            yield { type: 'text', text: rest };
          }
          continue;
        }
        if (delta.type === 'tool_call') {
          const key = `${delta.call.name}\u0000${delta.call.arguments}`;
          if (calls.has(key)) continue;
          calls.add(key);
        }
        if (delta.type === 'text') spoken += delta.text;
        yield delta;
      }
      return;
    } catch (caught) {
      if (signal?.aborted) return;
      const error = toProviderError(provider.label, caught);
      const next = chain[index + 1];
      if (!next) throw error;
      state.start++;
      options.onFallback?.({ kind: 'llm', from: provider.label, to: next.label, error, midStream: spoken.length > 0 });
    }
  }
}
