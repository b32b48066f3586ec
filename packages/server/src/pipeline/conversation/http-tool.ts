import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { z } from 'zod';
import type { AgentTool } from '../../agents/schema.js';
import { assertLiteralAllowed, guardedLookup } from '../../net/ssrf-guard.js';

type HttpTool = Extract<AgentTool, { type: 'http' }>;

/** The most of a tool's response the model gets back (a large body would flood its context). */
const MAX_RESULT_CHARS = 4000;

export interface HttpToolResult {
  ok: boolean;
  /** What the model reads: the response body, or why the call failed. */
  result: string;
}

/** Compiles the tool's JSON Schema once; arguments the model writes are checked against it. */
export function argumentValidator(tool: HttpTool): (args: unknown) => string | null {
  let schema: z.ZodType;
  try {
    schema = z.fromJSONSchema(tool.parameters as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    // A schema zod cannot read is passed to the model as is; we then only require an object.
    schema = z.record(z.string(), z.unknown());
  }
  return (args) => {
    const parsed = schema.safeParse(args);
    if (parsed.success) return null;
    return parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
  };
}

/**
 * Calls an agent's HTTP tool: the arguments as a JSON body (or the query string for GET and
 * DELETE), the tool's headers, its `timeout_ms`, and the SSRF guard on the resolved address.
 * Every failure is an ordinary result the model reads (`ok: false`), never a thrown error.
 */
export async function callHttpTool(
  tool: HttpTool,
  args: Record<string, unknown>,
  options: { allowPrivate: boolean; signal?: AbortSignal },
): Promise<HttpToolResult> {
  const url = new URL(tool.url);
  try {
    assertLiteralAllowed(url, { allowPrivate: options.allowPrivate });
  } catch (error) {
    return { ok: false, result: `refused: ${(error as Error).message}` };
  }
  const hasBody = tool.method !== 'GET' && tool.method !== 'DELETE';
  if (!hasBody) for (const [k, v] of Object.entries(args)) url.searchParams.set(k, String(v));
  const body = hasBody ? JSON.stringify(args) : undefined;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpToolResult>((resolve) => {
    const req = send(
      url,
      {
        method: tool.method,
        headers: { ...tool.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        lookup: guardedLookup({ allowPrivate: options.allowPrivate }),
        // Socket-level timeout of a real I/O adapter: wall time is what the remote server spends.
        timeout: tool.timeout_ms,
        signal: options.signal,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < MAX_RESULT_CHARS) text += chunk;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          resolve({ ok, result: ok ? text.slice(0, MAX_RESULT_CHARS) : `HTTP ${status}: ${text.slice(0, 500)}` });
        });
        res.on('error', (error) => resolve({ ok: false, result: `failed: ${error.message}` }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no response within ${tool.timeout_ms} ms`)));
    req.on('error', (error) => resolve({ ok: false, result: `failed: ${error.message}` }));
    req.end(body);
  });
}
