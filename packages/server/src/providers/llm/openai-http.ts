import { Agent, type Dispatcher, FormData, fetch, type Response } from 'undici';
import { ProviderError } from '../../errors.js';
import { assertLiteralAllowed, guardedLookup } from '../../net/ssrf-guard.js';
import type { Clock } from '../../pipeline/clock.js';
import { providerErrorFromStatus, toProviderError } from '../errors.js';

/**
 * The HTTP side shared by the three OpenAI-compatible adapters (`llm/openai.ts`,
 * `stt/openai.ts`, `tts/openai.ts`): where to send, with which key, through which connection
 * pool, and how a refusal becomes a `ProviderError`. Raw undici `fetch` rather than the `openai`
 * SDK: the SDK would add its own retry loop (ours lives once, in retry.ts), its own timeouts and
 * ~1 MB of code, and on the media path we want the response bytes as they arrive, nothing more.
 */

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Where and how to reach one OpenAI-compatible server. */
export interface OpenAiEndpoint {
  /** Up to and including the version segment: `https://api.openai.com/v1`, `http://localhost:11434/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; none for servers without auth (Ollama, llama.cpp, vLLM by default). */
  apiKey?: string;
  /**
   * Whether the URL may resolve to a private or loopback address. False for a base URL a tenant
   * chose (an agent's `options.base_url`): the SSRF guard checks the resolved address on connect.
   */
  allowPrivate: boolean;
}

/** What the registry knows when it makes an adapter for one call. */
export interface EndpointSources {
  /** The agent's `options.base_url`, if any (tenant input). */
  agentBaseUrl?: unknown;
  /** The tenant's own key for this vendor (bring your own key), decrypted. */
  tenantKey?: string;
  /** The operator's `OPENAI_API_KEY` and `OPENAI_BASE_URL`. */
  operatorKey?: string;
  operatorBaseUrl?: string;
  /** `CALLINGSCOUT_ALLOW_PRIVATE_URLS`: tenants' base URLs may be private too (a single-tenant install). */
  allowPrivateUrls?: boolean;
}

/**
 * Chooses the endpoint of one call. The operator's key is never sent to a base URL the tenant
 * chose: an agent with its own `base_url` uses the tenant's key or none, or anyone could read the
 * operator's key by pointing an agent at their own server. The operator's base URL is trusted
 * (it may be a vLLM on the private network); a tenant's is guarded against SSRF.
 */
export function resolveOpenAiEndpoint(sources: EndpointSources): OpenAiEndpoint {
  const agentUrl = typeof sources.agentBaseUrl === 'string' && sources.agentBaseUrl ? sources.agentBaseUrl : undefined;
  if (agentUrl) {
    return { baseUrl: agentUrl, apiKey: sources.tenantKey, allowPrivate: sources.allowPrivateUrls === true };
  }
  return {
    baseUrl: sources.operatorBaseUrl || OPENAI_DEFAULT_BASE_URL,
    apiKey: sources.tenantKey ?? sources.operatorKey,
    allowPrivate: true,
  };
}

/** `baseUrl` + `/chat/completions`, whether or not the base URL ends in a slash. */
export function endpointUrl(baseUrl: string, path: string): URL {
  return new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
}

/** One pool per guard setting for the process: keep-alive connections are what make turn 2 faster than turn 1. */
let openDispatcher: Dispatcher | null = null;
let guardedDispatcher: Dispatcher | null = null;
function dispatcherFor(allowPrivate: boolean): Dispatcher {
  if (allowPrivate) {
    openDispatcher ??= new Agent({ keepAliveTimeout: 30_000 });
    return openDispatcher;
  }
  guardedDispatcher ??= new Agent({ keepAliveTimeout: 30_000, connect: { lookup: guardedLookup() } });
  return guardedDispatcher;
}

export interface OpenAiRequest {
  /** Label errors are attributed to (`openai.llm`). */
  provider: string;
  endpoint: OpenAiEndpoint;
  /** Path under the base URL: `/chat/completions`. */
  path: string;
  /** JSON (serialised here) or a multipart form (undici's `FormData`: the global one is a different class to undici 7's fetch). */
  body: Record<string, unknown> | FormData;
  signal?: AbortSignal;
}

/**
 * POSTs and returns the response once its status is 2xx; anything else throws a classified
 * `ProviderError` (401 not retryable; 429 and 5xx retryable, with the `Retry-After` they sent).
 * Aborting the signal closes the connection at once; the rejection is then the abort's.
 */
export async function openAiPost(request: OpenAiRequest): Promise<Response> {
  const { endpoint, provider } = request;
  const url = endpointUrl(endpoint.baseUrl, request.path);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ProviderError({ provider, retryable: false, message: `${provider}: base URL must be http(s): ${url}` });
  const headers: Record<string, string> = {};
  if (endpoint.apiKey) headers.authorization = `Bearer ${endpoint.apiKey}`;
  let body: string | FormData;
  if (request.body instanceof FormData) body = request.body;
  else {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.body);
  }
  let response: Response;
  try {
    assertLiteralAllowed(url, { allowPrivate: endpoint.allowPrivate });
    response = await fetch(url, {
      method: 'POST',
      headers,
      body: body as never,
      signal: request.signal,
      dispatcher: dispatcherFor(endpoint.allowPrivate),
    });
  } catch (error) {
    if (request.signal?.aborted) throw error;
    throw toProviderError(provider, error);
  }
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  throw providerErrorFromStatus(provider, response.status, errorMessage(text), response.headers.get('retry-after'));
}

/** The vendor's `{"error": {"message": …}}` (OpenAI's error shape) when it is one, else the body. */
function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
  } catch {
    // Not JSON: the text itself is the best message there is.
  }
  return text;
}

/**
 * Keeps a virtual clock still while we wait on the network (`VirtualClock.hold`, as espeak.ts
 * does): a sandbox call on the accelerated clock must not see timeouts fire while a stand-in
 * answers. On a real clock it does nothing.
 */
export function holdClock(clock: Clock): () => void {
  return (clock as { hold?: () => () => void }).hold?.call(clock) ?? noop;
}

function noop(): void {}
