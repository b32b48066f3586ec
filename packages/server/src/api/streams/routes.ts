import fastifyWebsocket from '@fastify/websocket';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { ApiContext, App } from '../context.js';
import { tenantOf } from '../context.js';
import { BEARER, commonErrors } from '../schemas.js';
import { streamAuth } from './auth.js';
import { resumeAfter, type StreamQuery, streamFilter, streamQuery } from './filter.js';
import { StreamSession } from './session.js';

/** A client gone this long after a slow-consumer cut-off, with bytes still unsent, is dropped. */
const SLOW_DESTROY_MS = 5000;
/** WebSocket close code for a slow consumer: 1008, "policy violation" (RFC 6455 §7.4.1). */
const WS_SLOW_CONSUMER = 1008;

/**
 * Live streams: `GET /v1/events/stream` (Server-Sent Events) and `GET /v1/ws` (WebSocket). Same
 * events, filters and resume; the key comes from the Authorization header or `?token=`.
 */
export function registerStreamRoutes(app: App, ctx: ApiContext): void {
  const authenticate = streamAuth(ctx);
  const tags = ['Events'];
  // Hijacked SSE responses are invisible to Fastify's close: end them ourselves, or close waits forever.
  const open = new Set<{ destroy(): void }>();
  app.addHook('preClose', async () => {
    for (const res of open) res.destroy();
  });

  const openStream = (request: FastifyRequest) => {
    const query = request.query as StreamQuery;
    const { tenant, mode } = tenantOf(request.auth);
    const filter = streamFilter(query, { tenantId: tenant.id, livemode: mode === 'live' });
    const lastEventId = resumeAfter(request.headers['last-event-id'], query.last_event_id);
    const settings = ctx.settings.current;
    return {
      filter,
      lastEventId,
      maxBufferBytes: settings.CALLINGSCOUT_STREAM_MAX_BUFFER_BYTES,
      heartbeatMs: settings.CALLINGSCOUT_STREAM_HEARTBEAT_SEC * 1000,
    };
  };

  app.get('/v1/events/stream', {
    config: { auth: 'none' },
    onRequest: authenticate,
    schema: {
      tags,
      summary: 'Live events as Server-Sent Events (id: on every event; resume with Last-Event-ID)',
      description:
        'Each event is `id: <evt_…>` and `data: <the event JSON>`. A comment line `: heartbeat` comes every 15 s. A client too slow to read gets a final `event: error` with the reason and the stream ends.',
      security: BEARER,
      querystring: streamQuery,
      response: { 200: z.string().describe('text/event-stream'), ...commonErrors },
    },
    handler: async (request, reply) => {
      const opened = openStream(request);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Reverse proxies (nginx) would otherwise buffer the stream.
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      res.write(': connected\n\n');
      const session = new StreamSession({
        bus: ctx.events.bus,
        db: ctx.db,
        filter: opened.filter,
        lastEventId: opened.lastEventId,
        maxBufferBytes: opened.maxBufferBytes,
        sink: {
          send: (e) => res.write(`id: ${e.id}\ndata: ${e.json}\n\n`),
          buffered: () => res.writableLength,
          disconnectSlow: (reason) => {
            res.end(`event: error\ndata: ${JSON.stringify({ code: 'slow_consumer', detail: reason })}\n\n`);
            setTimeout(() => res.destroy(), SLOW_DESTROY_MS).unref();
          },
        },
      });
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), opened.heartbeatMs);
      const stop = () => {
        clearInterval(heartbeat);
        session.close();
      };
      res.on('close', () => {
        stop();
        open.delete(res);
      });
      open.add(res);
      try {
        await session.start();
      } catch (err) {
        request.log.warn({ err }, 'event stream failed');
        stop();
        res.destroy();
      }
    },
  });

  app.register(async (scoped) => {
    await scoped.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
    scoped.get(
      '/v1/ws',
      {
        websocket: true,
        config: { auth: 'none' },
        onRequest: authenticate,
        schema: {
          tags,
          summary: 'Live events over a WebSocket: the same events and filters as /v1/events/stream',
          description:
            'Each message is one event JSON. Closed with 1008 and a reason when the client reads too slowly.',
          security: BEARER,
          querystring: streamQuery,
          response: { ...commonErrors },
        },
      },
      (socket: WebSocket, request) => {
        let opened: ReturnType<typeof openStream>;
        try {
          opened = openStream(request);
        } catch (err) {
          const e = err as { code?: string; detail?: string };
          socket.close(1008, `${e.code ?? 'bad_request'}: ${e.detail ?? 'invalid request'}`.slice(0, 120));
          return;
        }
        const session = new StreamSession({
          bus: ctx.events.bus,
          db: ctx.db,
          filter: opened.filter,
          lastEventId: opened.lastEventId,
          maxBufferBytes: opened.maxBufferBytes,
          sink: {
            send: (e) => socket.send(e.json),
            buffered: () => socket.bufferedAmount,
            disconnectSlow: (reason) => {
              // A close reason is at most 123 bytes (RFC 6455 §5.5).
              socket.close(WS_SLOW_CONSUMER, reason.slice(0, 120));
              setTimeout(() => socket.terminate(), SLOW_DESTROY_MS).unref();
            },
          },
        });
        const heartbeat = setInterval(() => socket.ping(), opened.heartbeatMs);
        socket.on('close', () => {
          clearInterval(heartbeat);
          session.close();
        });
        session.start().catch((err: unknown) => {
          request.log.warn({ err }, 'websocket stream failed');
          socket.terminate();
        });
      },
    );
  });
}
