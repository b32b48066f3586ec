import { type ClientRequest, type IncomingMessage, request } from 'node:http';

/** One SSE message as a client sees it. */
export interface SseMessage {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

/**
 * A minimal Server-Sent Events reader for tests: collects messages and comment lines, and can
 * stop reading (to play a slow consumer) or drop the connection.
 */
export async function openSse(url: string, headers: Record<string, string> = {}) {
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  let ended = false;
  let buffer = '';
  let req: ClientRequest | undefined;
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, resolve);
    req.on('error', reject);
    req.end();
  });
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const msg: SseMessage = { id: undefined, event: undefined, data: '' };
      let isMessage = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comments.push(line.slice(1).trim());
        else if (line.startsWith('id: ')) [msg.id, isMessage] = [line.slice(4), true];
        else if (line.startsWith('event: ')) [msg.event, isMessage] = [line.slice(7), true];
        else if (line.startsWith('data: ')) [msg.data, isMessage] = [msg.data + line.slice(6), true];
      }
      if (isMessage) messages.push(msg);
      end = buffer.indexOf('\n\n');
    }
  });
  res.on('end', () => {
    ended = true;
  });
  res.on('close', () => {
    ended = true;
  });
  return {
    status: res.statusCode,
    headers: res.headers,
    messages,
    comments,
    /** Event ids received, in order. */
    ids: () => messages.filter((m) => m.id).map((m) => m.id as string),
    ended: () => ended,
    pause: () => res.socket.pause(),
    resume: () => res.socket.resume(),
    close: () => req?.destroy(),
  };
}
