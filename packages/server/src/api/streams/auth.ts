import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiContext, RouteGuard } from '../context.js';
import { authMiddleware } from '../middleware/auth.js';

/**
 * Authentication for the stream routes, which take the API key from `Authorization: Bearer …`
 * or from `?token=…` (browsers cannot set headers on EventSource or WebSocket). The routes say
 * `auth: 'none'` so the global middleware lets them through, and this hook runs that same
 * middleware on a view of the request with the token in its header and a key guard: one code
 * path for key lookup, revocation, disabled tenants and scopes.
 */
export function streamAuth(ctx: ApiContext) {
  const authenticate = authMiddleware({ ctx });
  const guard: RouteGuard = { auth: 'key', scope: 'events:read' };
  return async function authenticateStream(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const query = request.query as Record<string, unknown> | undefined;
    const token = typeof query?.token === 'string' ? query.token : undefined;
    const headers = { ...request.headers };
    if (!headers.authorization && token) headers.authorization = `Bearer ${token}`;
    const view = Object.create(request, {
      headers: { value: headers },
      routeOptions: { value: { ...request.routeOptions, config: { ...request.routeOptions.config, ...guard } } },
    }) as FastifyRequest;
    await authenticate(view, reply);
    request.auth = view.auth;
  };
}
