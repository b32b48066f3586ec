import { z } from 'zod';
import { HttpError, notFound } from '../../errors.js';
import { SecretBox } from '../../providers/keys/secret-box.js';
import {
  BYOK_PROVIDERS,
  deleteProviderKey,
  findProviderKey,
  providerKeysQuery,
  putProviderKey,
  renderProviderKey,
} from '../../providers/keys/store.js';
import { type ApiContext, type App, tenantOf } from '../context.js';
import { listSchema, pageQuery, paginate } from '../pagination.js';
import { BEARER, commonErrors, errorBody } from '../schemas.js';

/**
 * Bring your own key: a tenant's own keys for the AI providers (`openai`, `deepgram`,
 * `elevenlabs`), used by its calls instead of the operator's. Stored sealed (providers/keys),
 * never answered: the API shows `api_key: "****"` and the last 4 characters as `hint`. Keys are
 * account settings, shared by both modes like the agents that use them; they need the
 * `account:*` scopes. Storing one needs `CALLINGSCOUT_SECRETS_KEY` on the server, else 503.
 */
export function registerProviderKeyRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const tags = ['Provider keys'];
  const params = z.object({
    provider: z.enum(BYOK_PROVIDERS, { error: `must be one of ${BYOK_PROVIDERS.join(', ')}` }),
  });
  const providerKey = z
    .object({
      object: z.literal('provider_key'),
      provider: z.string(),
      api_key: z.literal('****').describe('Never the key: it cannot be read back.'),
      hint: z.string().describe('The last 4 characters of the key after an ellipsis ("" for a short key).'),
      created_at: z.string(),
      updated_at: z.string(),
    })
    .meta({ id: 'ProviderKey' });
  const body = z.object({
    api_key: z
      .string()
      .trim()
      .min(8, 'is too short to be a provider key')
      .max(1000)
      .regex(/^\S+$/, 'must not contain spaces')
      .describe('The vendor API key. Write-only.'),
  });

  let box: { setting: string; box: SecretBox } | null = null;
  const secretBox = (): SecretBox => {
    const setting = ctx.settings.current.CALLINGSCOUT_SECRETS_KEY;
    if (!setting)
      throw new HttpError(
        503,
        'secrets_key_not_configured',
        'This server cannot store provider keys: its operator has not set CALLINGSCOUT_SECRETS_KEY (32 random bytes, e.g. `openssl rand -base64 32`). Until then calls use the operator’s keys.',
      );
    if (box?.setting !== setting) box = { setting, box: SecretBox.fromSetting(setting) };
    return box.box;
  };

  app.get('/v1/provider-keys', {
    config: { scope: 'account:read' },
    schema: {
      tags,
      summary: "List the tenant's own provider keys (masked)",
      security: BEARER,
      querystring: pageQuery,
      response: { 200: listSchema(providerKey), ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      return paginate(providerKeysQuery(db, tenant.id), request.query, renderProviderKey, 'provider');
    },
  });

  app.get('/v1/provider-keys/:provider', {
    config: { scope: 'account:read' },
    schema: {
      tags,
      summary: 'Whether the tenant has its own key for a provider (masked)',
      security: BEARER,
      params,
      response: { 200: providerKey, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const row = await findProviderKey(db, tenant.id, request.params.provider);
      if (!row) throw notFound('provider key for', request.params.provider);
      return renderProviderKey(row);
    },
  });

  app.put('/v1/provider-keys/:provider', {
    config: { scope: 'account:write' },
    schema: {
      tags,
      summary: 'Set (or replace) the tenant’s own key for a provider; its calls use it from the next call',
      security: BEARER,
      params,
      body,
      response: { 200: providerKey, 201: providerKey, ...commonErrors, 503: errorBody },
    },
    handler: async (request, reply) => {
      const { tenant } = tenantOf(request.auth);
      const row = await putProviderKey(db, secretBox(), {
        tenantId: tenant.id,
        provider: request.params.provider,
        apiKey: request.body.api_key,
      });
      return reply.code(row.replaced ? 200 : 201).send(renderProviderKey(row));
    },
  });

  app.delete('/v1/provider-keys/:provider', {
    config: { scope: 'account:write' },
    schema: {
      tags,
      summary: 'Remove the tenant’s own key for a provider; its calls go back to the operator’s key',
      security: BEARER,
      params,
      response: {
        200: z.object({ object: z.literal('provider_key'), provider: z.string(), deleted: z.literal(true) }),
        ...commonErrors,
      },
    },
    handler: async (request) => {
      const { tenant } = tenantOf(request.auth);
      const { provider } = request.params;
      if (!(await deleteProviderKey(db, tenant.id, provider))) throw notFound('provider key for', provider);
      return { object: 'provider_key' as const, provider, deleted: true as const };
    },
  });
}
