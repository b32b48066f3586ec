import { z } from 'zod';
import { createTenantWithKeys } from '../../accounts/tenants.js';
import { ENDPOINT_CLASSES, maskedSettings } from '../../config.js';
import { notFound } from '../../errors.js';
import type { ApiContext, App } from '../context.js';
import { listSchema, pageQuery, paginate } from '../pagination.js';
import { BEARER, commonErrors, idParams } from '../schemas.js';
import { renderTenant } from '../views/accounts.js';
import { newTenantResponse, registerBody, renderNewTenant } from './accounts.js';

const adminTenant = z.object({ id: z.string(), object: z.literal('tenant') }).loose();

/** Operator routes, guarded by ADMIN_TOKEN (403 naming it when the operator has not set one). */
export function registerAdminRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const tags = ['Admin'];
  const operatorLimits = () => ctx.settings.current.CALLINGSCOUT_RATE_LIMITS;

  app.post('/v1/admin/tenants', {
    config: { auth: 'admin' },
    schema: {
      tags,
      summary: 'Create a tenant with one test and one live key',
      security: BEARER,
      body: registerBody.extend({ email: z.email().max(320).optional() }),
      response: { 201: newTenantResponse, ...commonErrors },
    },
    handler: async (request, reply) => {
      const created = await createTenantWithKeys(db, request.body);
      return reply.code(201).send(renderNewTenant(created, operatorLimits()));
    },
  });

  app.get('/v1/admin/tenants', {
    config: { auth: 'admin' },
    schema: {
      tags,
      summary: 'List tenants',
      security: BEARER,
      querystring: pageQuery,
      response: { 200: listSchema(adminTenant), ...commonErrors },
    },
    handler: async (request) =>
      paginate(db.selectFrom('tenants').selectAll(), request.query, (t) =>
        renderTenant(t, { operatorLimits: operatorLimits() }),
      ),
  });

  app.patch('/v1/admin/tenants/:id', {
    config: { auth: 'admin' },
    schema: {
      tags,
      summary: "Change a tenant's plan, balance, limits or status",
      security: BEARER,
      params: idParams,
      body: z.strictObject({
        name: z.string().trim().min(1).max(200).optional(),
        plan: z.string().trim().min(1).max(64).optional(),
        balance: z.number().min(-1e9).max(1e9).optional(),
        rate_limits: z
          .partialRecord(z.enum(ENDPOINT_CLASSES), z.number().int().positive().max(1_000_000).nullable())
          .optional()
          .describe('Per-minute live-mode limits per class; null removes an override. Test mode gets 100×.'),
        concurrent_calls_limit: z.number().int().min(0).max(100_000).optional(),
        disabled: z.boolean().optional(),
      }),
      response: { 200: adminTenant, ...commonErrors },
    },
    handler: async (request) => {
      const body = request.body;
      const updated = await db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('tenants')
          .selectAll()
          .where('id', '=', request.params.id)
          .forUpdate()
          .executeTakeFirst();
        if (!current) throw notFound('tenant', request.params.id);
        const limits: Record<string, number> = { ...current.rate_limits };
        for (const [cls, value] of Object.entries(body.rate_limits ?? {})) {
          if (value === null) delete limits[cls];
          else limits[cls] = value;
        }
        return trx
          .updateTable('tenants')
          .set({
            name: body.name ?? current.name,
            plan: body.plan ?? current.plan,
            balance: body.balance ?? current.balance,
            rate_limits: JSON.stringify(limits),
            concurrent_calls_limit: body.concurrent_calls_limit ?? current.concurrent_calls_limit,
            disabled: body.disabled ?? current.disabled,
            updated_at: new Date(),
          })
          .where('id', '=', current.id)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      await ctx.keyCache.invalidate(updated.id);
      return renderTenant(updated, { operatorLimits: operatorLimits() });
    },
  });

  const configResponse = z.record(z.string(), z.unknown());
  app.get('/v1/config', {
    config: { auth: 'admin' },
    schema: {
      tags,
      summary: 'The settings in force (secrets as ****)',
      security: BEARER,
      response: { 200: configResponse, ...commonErrors },
    },
    handler: async () => maskedSettings(ctx.settings.current),
  });

  app.patch('/v1/config', {
    config: { auth: 'admin' },
    schema: {
      tags,
      summary:
        'Change settings at run time (LOG_LEVEL, ALLOW_SIGNUP, CALLINGSCOUT_RATE_LIMITS, provider keys); null clears',
      security: BEARER,
      body: z.record(z.string(), z.unknown()),
      response: { 200: configResponse, ...commonErrors },
    },
    handler: async (request) => maskedSettings(await ctx.settings.patch(request.body)),
  });
}
