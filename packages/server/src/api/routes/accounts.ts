import { z } from 'zod';
import { createApiKey } from '../../accounts/api-keys.js';
import { ALL_SCOPES, hasScope, SCOPES } from '../../accounts/scopes.js';
import { createTenantWithKeys } from '../../accounts/tenants.js';
import { HttpError, notFound } from '../../errors.js';
import { type ApiContext, type App, tenantOf } from '../context.js';
import { adminTokenMatches } from '../middleware/auth.js';
import { listSchema, pageQuery, paginate } from '../pagination.js';
import { BEARER, commonErrors, idParams } from '../schemas.js';
import { renderKey, renderNewKey, renderTenant } from '../views/accounts.js';

const tenantResponse = z
  .object({ id: z.string(), object: z.literal('tenant') })
  .loose()
  .meta({ id: 'Tenant' });
const keyResponse = z
  .object({
    id: z.string(),
    object: z.literal('api_key'),
    name: z.string(),
    mode: z.enum(['test', 'live']),
    livemode: z.boolean(),
    prefix: z.string(),
    scopes: z.array(z.string()),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'ApiKey' });
const newKeyResponse = keyResponse
  .extend({ secret: z.string().describe('The whole key. Shown only now.') })
  .meta({ id: 'NewApiKey' });
export const newTenantResponse = z
  .object({ tenant: tenantResponse, keys: z.object({ test: newKeyResponse, live: newKeyResponse }) })
  .meta({ id: 'NewTenant' });

const IANA_ZONES = new Set(Intl.supportedValuesOf('timeZone'));
IANA_ZONES.add('UTC');

const settingsPatch = z.strictObject({
  default_region: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 region code such as US or GB')
    .optional(),
  timezone: z
    .string()
    .refine((tz) => IANA_ZONES.has(tz), 'must be an IANA time zone such as America/New_York')
    .optional(),
  sandbox_use_real_providers: z.boolean().optional(),
});

export const registerBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
});

export function registerAccountRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const operatorLimits = () => ctx.settings.current.CALLINGSCOUT_RATE_LIMITS;

  app.get('/v1/me', {
    config: { scope: 'account:read' },
    schema: {
      tags: ['Account'],
      summary: 'The account this key belongs to',
      security: BEARER,
      response: { 200: tenantResponse, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant, mode } = tenantOf(request.auth);
      return renderTenant(tenant, { mode, operatorLimits: operatorLimits() });
    },
  });

  app.patch('/v1/me', {
    config: { scope: 'account:write' },
    schema: {
      tags: ['Account'],
      summary: 'Change account settings',
      security: BEARER,
      body: z.strictObject({ name: z.string().trim().min(1).max(200).optional(), settings: settingsPatch.optional() }),
      response: { 200: tenantResponse, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant, mode } = tenantOf(request.auth);
      const updated = await db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('tenants')
          .selectAll()
          .where('id', '=', tenant.id)
          .forUpdate()
          .executeTakeFirstOrThrow();
        return trx
          .updateTable('tenants')
          .set({
            name: request.body.name ?? current.name,
            settings: JSON.stringify({ ...current.settings, ...request.body.settings }),
            updated_at: new Date(),
          })
          .where('id', '=', tenant.id)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      await ctx.keyCache.invalidate(tenant.id);
      return renderTenant(updated, { mode, operatorLimits: operatorLimits() });
    },
  });

  app.get('/v1/auth/api-keys', {
    config: { scope: 'keys:read' },
    schema: {
      tags: ['API keys'],
      summary: "List this mode's API keys (never their secrets)",
      security: BEARER,
      querystring: pageQuery,
      response: { 200: listSchema(keyResponse), ...commonErrors },
    },
    handler: async (request) => {
      const { tenant, mode } = tenantOf(request.auth);
      const q = db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenant.id).where('mode', '=', mode);
      return paginate(q, request.query, renderKey);
    },
  });

  app.post('/v1/auth/api-keys', {
    config: { scope: 'keys:write' },
    schema: {
      tags: ['API keys'],
      summary: 'Create an API key of this mode; its secret is shown once',
      security: BEARER,
      body: z.strictObject({
        name: z.string().trim().min(1).max(200),
        scopes: z
          .array(z.enum([ALL_SCOPES, ...SCOPES]))
          .min(1)
          .optional(),
      }),
      response: { 201: newKeyResponse, ...commonErrors },
    },
    handler: async (request, reply) => {
      const auth = request.auth;
      const { tenant, mode } = tenantOf(auth);
      const scopes = request.body.scopes ?? [ALL_SCOPES];
      const granted = auth?.kind === 'key' ? auth.scopes : [];
      const beyond = scopes.filter((s) => (s === ALL_SCOPES ? !granted.includes(ALL_SCOPES) : !hasScope(granted, s)));
      if (beyond.length) {
        throw new HttpError(
          403,
          'insufficient_scope',
          `A key cannot grant scopes it does not have: ${beyond.join(', ')}.`,
          {
            extra: { required_scope: beyond[0] },
          },
        );
      }
      const key = await createApiKey(db, { tenantId: tenant.id, mode, name: request.body.name, scopes });
      return reply.code(201).send(renderNewKey(key));
    },
  });

  app.delete('/v1/auth/api-keys/:id', {
    config: { scope: 'keys:write' },
    schema: {
      tags: ['API keys'],
      summary: 'Revoke an API key; it stops working on the next request',
      security: BEARER,
      params: idParams,
      response: { 200: keyResponse, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant, mode } = tenantOf(request.auth);
      const row = await db
        .updateTable('api_keys')
        .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(new Date())) }))
        .where('tenant_id', '=', tenant.id)
        .where('mode', '=', mode)
        .where('id', '=', request.params.id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound('API key', request.params.id);
      await ctx.keyCache.invalidate(row.id);
      return renderKey(row);
    },
  });

  app.post('/v1/auth/register', {
    config: { auth: 'none', idempotent: false },
    schema: {
      tags: ['Account'],
      summary: 'Sign up: a new account with one test and one live key (when the operator allows sign-up)',
      body: registerBody,
      response: { 201: newTenantResponse, ...commonErrors },
    },
    handler: async (request, reply) => {
      const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const isAdmin = adminTokenMatches(ctx.settings.current.ADMIN_TOKEN, token);
      if (!ctx.settings.current.ALLOW_SIGNUP && !isAdmin) {
        throw new HttpError(
          403,
          'signup_disabled',
          'Sign-up is disabled on this server; ask its operator for an account.',
        );
      }
      const created = await createTenantWithKeys(db, request.body);
      return reply.code(201).send(renderNewTenant(created, operatorLimits()));
    },
  });
}

export function renderNewTenant(
  created: Awaited<ReturnType<typeof createTenantWithKeys>>,
  operatorLimits: Parameters<typeof renderTenant>[1]['operatorLimits'],
) {
  return {
    tenant: renderTenant(created.tenant, { operatorLimits }),
    keys: { test: renderNewKey(created.keys.test), live: renderNewKey(created.keys.live) },
  };
}
