import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyReply, LogController } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, type ZodTypeProvider } from 'fastify-type-provider-zod';
import sjson from 'secure-json-parse';
import { HttpError } from '../errors.js';
import { newId } from '../ids.js';
import type { ApiContext, App } from './context.js';
import { installErrorHandlers } from './error-handler.js';
import { authMiddleware } from './middleware/auth.js';
import { idempotencyMiddleware } from './middleware/idempotency.js';
import { rateLimitMiddleware } from './middleware/rate-limit.js';
import { registerAccountRoutes } from './routes/accounts.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerAgentTemplateRoutes } from './routes/agent-templates.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerComplianceRoutes } from './routes/compliance.js';
import { registerContactListRoutes } from './routes/contact-lists.js';
import { registerContactRoutes } from './routes/contacts.js';
import { registerDncRoutes } from './routes/dnc.js';
import { registerEventRoutes } from './routes/events.js';
import { registerOperationRoutes } from './routes/operations.js';
import { registerPersonaRoutes } from './routes/personas.js';
import { registerPhoneNumberRoutes } from './routes/phone-numbers.js';
import { registerPlaybookRoutes } from './routes/playbooks.js';
import { registerProviderKeyRoutes } from './routes/provider-keys.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { registerStreamRoutes } from './streams/routes.js';
import { zodValidatorCompiler } from './validation.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const API_ALIAS = '/api/v1';

export interface BuiltApp {
  app: App;
  /** Deletes idempotency records past their 24 h window. */
  pruneIdempotency: () => Promise<number>;
}

/** The HTTP API: middleware in order (request id → auth → rate limit → validation → idempotency), then routes. */
export async function buildApp(ctx: ApiContext): Promise<BuiltApp> {
  const app = Fastify({
    loggerInstance: ctx.logger,
    // One access line per request, written in onResponse below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    bodyLimit: ctx.settings.current.CALLINGSCOUT_BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : newId('req');
    },
    // `/api/v1/…` is an alias of `/v1/…`: one set of handlers, one OpenAPI document.
    rewriteUrl: (req) =>
      req.url?.startsWith(`${API_ALIAS}/`) || req.url === API_ALIAS ? req.url.slice(4) : (req.url ?? '/'),
    routerOptions: { ignoreTrailingSlash: true },
    // Errors Fastify raises before routing (a URL with bad percent-encoding) get our error format too.
    frameworkErrors: (error, _request, reply) => {
      (reply as FastifyReply)
        .code(400)
        .send({ detail: `The request URL is malformed: ${error.message}.`, code: 'bad_url' });
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.decorateRequest('auth', undefined);
  app.decorateRequest('idempotencyRecord', undefined);
  app.setValidatorCompiler(zodValidatorCompiler);
  // Responses are built by our own render functions; their schemas document the API but are not
  // re-validated on every response (that would cost more than the handler).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // JSON only (routes that take CSV or multipart add their own parser); anything else is a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, sjson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' }));
    } catch (err) {
      done(
        new HttpError(400, 'invalid_json', `The request body is not valid JSON: ${(err as Error).message}.`),
        undefined,
      );
    }
  });
  installErrorHandlers(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'CallingScout API',
        version: '1',
        description: 'Place and answer phone calls with AI voice agents. Every /v1 path is also served under /api/v1.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'sk_test_… or sk_live_… (or the admin token for /v1/admin)',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  const auth = authMiddleware({ ctx });
  const rateLimit = rateLimitMiddleware({ ctx });
  const idempotency = idempotencyMiddleware({ ctx });
  app.addHook('onRequest', auth);
  app.addHook('onRequest', rateLimit);
  app.addHook('preHandler', idempotency.claim);
  app.addHook('onSend', idempotency.store);
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('X-Request-Id', request.id);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    ctx.metrics.httpRequests.inc({ method: request.method, route, status: reply.statusCode });
    ctx.metrics.httpDuration.observe({ method: request.method, route }, seconds);
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request',
    );
  });

  registerOperationRoutes(app, ctx);
  registerAccountRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerAgentRoutes(app, ctx);
  registerContactRoutes(app, ctx);
  registerContactListRoutes(app, ctx);
  registerDncRoutes(app, ctx);
  registerPhoneNumberRoutes(app, ctx);
  registerAgentTemplateRoutes(app, ctx);
  registerPlaybookRoutes(app, ctx);
  registerPersonaRoutes(app, ctx);
  registerProviderKeyRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerComplianceRoutes(app, ctx);
  registerStreamRoutes(app, ctx);

  app.get('/v1/openapi.json', { config: { auth: 'none' }, schema: { hide: true } }, async () => app.swagger());

  await app.ready();
  return { app, pruneIdempotency: idempotency.prune };
}
