import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test receiver got. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What the receiver answers for a path: a status (and headers), or a delay before answering. */
export interface Answer {
  status: number;
  headers?: Record<string, string | undefined>;
  body?: string;
  delayMs?: number;
}
export type Behaviour = (req: { path: string; count: number }) => Answer;

/**
 * A local HTTP server that records every request and answers as `behaviour` says, per path
 * (`count` is how many requests that path has had, this one included). Tests only.
 */
export async function startReceiver(behaviour: Behaviour): Promise<{
  url: string;
  received: Received[];
  forPath(path: string): Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const count = (counts.get(path) ?? 0) + 1;
      counts.set(path, count);
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const answer = behaviour({ path, count });
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, answer.headers as Record<string, string> | undefined);
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    forPath: (path) => received.filter((r) => r.path === path),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
