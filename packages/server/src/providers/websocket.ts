import WebSocket from 'ws';
import { ProviderError } from '../errors.js';
import { providerErrorFromStatus, toProviderError } from './errors.js';

/**
 * Opening a vendor's WebSocket and classifying how it fails, for the streaming adapters
 * (Deepgram STT, ElevenLabs TTS, OpenAI Realtime). Raw `ws` rather than the vendors' SDKs: the
 * media path then has no extra buffering or event layer, binary frames go out as they are, and
 * the handshake's HTTP status (401, 429 with Retry-After, 5xx) is visible for classification.
 */

export interface OpenWebSocketOptions {
  url: string;
  headers?: Record<string, string>;
  /** The adapter's label, e.g. `deepgram.stt`: errors are attributed to it. */
  provider: string;
  /** Aborting before the socket is open rejects with the abort reason and closes it. */
  signal?: AbortSignal;
}

/**
 * A `ProviderError` for a refused handshake; a 429's or 503's Retry-After becomes `retryAfterMs`,
 * which `retry.ts` waits at least (the shared policy).
 */
export function handshakeError(
  provider: string,
  status: number,
  body: string,
  retryAfter: string | string[] | undefined,
): ProviderError {
  return providerErrorFromStatus(provider, status, body, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
}

/**
 * A socket closed by the far end. RFC 6455 codes: 1000 is a normal end (undefined: no error);
 * 1008 (policy violation) is what the vendors use for a bad key or a bad request, so it is not
 * retried; everything else (1001 going away, 1006 dropped, 1011 server error, 1012/1013 restart
 * and try again later) is.
 */
export function closeError(provider: string, code: number, reason: string): ProviderError | undefined {
  if (code === 1000) return undefined;
  const detail = reason ? `: ${reason.slice(0, 300)}` : '';
  const retryable = code !== 1008 && code !== 1003 && code !== 1007;
  return new ProviderError({ provider, retryable, message: `${provider} closed the socket (${code})${detail}` });
}

/** Opens the socket; rejects with a classified `ProviderError`. */
export function openWebSocket(options: OpenWebSocketOptions): Promise<WebSocket> {
  const { provider, signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    // perMessageDeflate off: audio does not compress and deflate costs CPU on every frame.
    const ws = new WebSocket(options.url, { headers: options.headers, perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    const onAbort = () => {
      ws.terminate();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      signal?.removeEventListener('abort', onAbort);
      ws.removeAllListeners('open');
      ws.removeAllListeners('unexpected-response');
      ws.removeAllListeners('error');
      // Later errors (a terminate while connecting, a reset) are seen by the adapter as 'close'.
      ws.on('error', () => {});
    };
    ws.once('open', () => {
      settle();
      resolve(ws);
    });
    ws.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        settle();
        reject(
          handshakeError(
            provider,
            response.statusCode ?? 502,
            Buffer.concat(chunks).toString('utf8'),
            response.headers['retry-after'],
          ),
        );
        ws.terminate();
      });
    });
    ws.once('error', (error) => {
      settle();
      reject(toProviderError(provider, error));
    });
  });
}

/** Sends a JSON control message when the socket is open; false when it is not (dropped, closing). */
export function sendJson(ws: WebSocket | null, message: unknown): boolean {
  if (ws?.readyState !== WebSocket.OPEN) return false;
  ws.send(JSON.stringify(message));
  return true;
}
