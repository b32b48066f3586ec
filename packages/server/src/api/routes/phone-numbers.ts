import { z } from 'zod';
import { SandboxNumberCarrier } from '../../carriers/sandbox/numbers.js';
import { normalisePhone, tenantRegion } from '../../contacts/phone.js';
import { HttpError, notFound } from '../../errors.js';
import { NumberCarrierRegistry, throughCarrier } from '../../phone-numbers/carrier-registry.js';
import {
  deletePhoneNumber,
  findPhoneNumber,
  phoneNumbersQuery,
  provisionPhoneNumber,
} from '../../phone-numbers/store.js';
import { updatePhoneNumber } from '../../phone-numbers/update.js';
import { confirmVerification, startVerification } from '../../phone-numbers/verification.js';
import { phoneNumberObject, renderPhoneNumber } from '../../phone-numbers/view.js';
import { type ApiContext, type App, tenantOf } from '../context.js';
import { listSchema, pageQuery, paginate } from '../pagination.js';
import { BEARER, commonErrors, deletedObject, idParams } from '../schemas.js';

const numberErrors = { ...commonErrors, 410: commonErrors[400], 502: commonErrors[400], 503: commonErrors[400] };

const carrierField = z
  .string()
  .min(1)
  .max(32)
  .optional()
  .describe("A carrier of the key's mode; test mode has 'sandbox'.");
const nameField = z.string().trim().min(1).max(200);

const provisionBody = z.strictObject({
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as US')
    .transform((c) => c.toUpperCase()),
  area_code: z
    .string()
    .regex(/^\d{2,5}$/, 'must be 2 to 5 digits')
    .optional(),
  carrier: carrierField,
  name: nameField.optional(),
});
const verifyBody = z.strictObject({
  phone_number: z.string().min(1).max(40).describe('E.164, or national form read with your default_region.'),
  carrier: carrierField,
});
const confirmBody = z.strictObject({ code: z.string().regex(/^\d{6}$/, 'must be the 6 digits we sent') });
const patchBody = z.strictObject({
  name: nameField.nullable().optional(),
  inbound_agent_id: z.string().min(1).max(100).nullable().optional(),
  is_default: z.boolean().optional(),
});
const sandboxDelivery = z
  .object({
    object: z.literal('sandbox_delivery'),
    phone_number_id: z.string(),
    phone_number: z.string(),
    channel: z.enum(['call', 'sms']),
    code: z.string(),
    message: z.string(),
    delivered_at: z.string(),
  })
  .meta({ id: 'SandboxDelivery' });

export function registerPhoneNumberRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const tags = ['Phone numbers'];
  const sandbox = new SandboxNumberCarrier({ now: ctx.now });
  const carriers = new NumberCarrierRegistry({ carriers: [sandbox], settings: () => ctx.settings.current });
  /** The request's tenant id and whether it is a live key. */
  const scopeOf = (auth: Parameters<typeof tenantOf>[0]) => {
    const { tenant, mode } = tenantOf(auth);
    return { tenant, tenantId: tenant.id, livemode: mode === 'live' };
  };
  const render = <R extends Parameters<typeof renderPhoneNumber>[0]>(row: R) => renderPhoneNumber(row, ctx.now());

  app.get('/v1/phone-numbers', {
    config: { scope: 'numbers:read' },
    schema: {
      tags,
      summary: "List the phone numbers of the key's mode, newest first",
      security: BEARER,
      querystring: pageQuery,
      response: { 200: listSchema(phoneNumberObject), ...commonErrors },
    },
    handler: async (request) => {
      const { tenantId, livemode } = scopeOf(request.auth);
      return paginate(phoneNumbersQuery(db, tenantId, livemode), request.query, render);
    },
  });

  app.get('/v1/phone-numbers/:id', {
    config: { scope: 'numbers:read' },
    schema: {
      tags,
      summary: 'Get a phone number',
      security: BEARER,
      params: idParams,
      response: { 200: phoneNumberObject, ...commonErrors },
    },
    handler: async (request) => {
      const { tenantId, livemode } = scopeOf(request.auth);
      const row = await findPhoneNumber(db, { tenantId, livemode, id: request.params.id });
      if (!row) throw notFound('phone number', request.params.id);
      return render(row);
    },
  });

  app.patch('/v1/phone-numbers/:id', {
    config: { scope: 'numbers:write' },
    schema: {
      tags,
      summary: 'Update a phone number: name, inbound agent, default for calls',
      description: 'Setting `is_default: true` clears the default flag of every other number of this mode.',
      security: BEARER,
      params: idParams,
      body: patchBody,
      response: { 200: phoneNumberObject, ...commonErrors },
    },
    handler: async (request) => {
      const { tenantId, livemode } = scopeOf(request.auth);
      const row = await updatePhoneNumber(db, {
        tenantId,
        livemode,
        id: request.params.id,
        patch: request.body,
        now: ctx.now(),
      });
      return render(row);
    },
  });

  app.delete('/v1/phone-numbers/:id', {
    config: { scope: 'numbers:write' },
    schema: {
      tags,
      summary: 'Release a phone number through its carrier and delete it',
      security: BEARER,
      params: idParams,
      response: { 200: deletedObject('phone_number'), ...numberErrors },
    },
    handler: async (request) => {
      const { tenantId, livemode } = scopeOf(request.auth);
      const id = request.params.id;
      const row = await findPhoneNumber(db, { tenantId, livemode, id });
      if (!row) throw notFound('phone number', id);
      // Release first: a release that succeeded before a failed delete is undone by nothing,
      // and carriers treat a second release as success, so a retried DELETE completes.
      const carrier = carriers.holding(livemode, row.carrier);
      await throughCarrier(() =>
        carrier.release({ phoneNumber: row.phone_number, carrierRef: row.carrier_ref, reference: row.id }),
      );
      if (!(await deletePhoneNumber(db, { tenantId, livemode, id }))) throw notFound('phone number', id);
      return { id, object: 'phone_number' as const, deleted: true as const };
    },
  });

  app.post('/v1/phone-numbers/provision', {
    config: { scope: 'numbers:write', rateClass: 'dial' },
    schema: {
      tags,
      summary: 'Buy a number through the carrier: verified, attestation A',
      description:
        'Test mode provisions instantly from the sandbox range (+1 500 555 1000–9999, area code 500). Live mode answers 503 until a real carrier is configured.',
      security: BEARER,
      body: provisionBody,
      response: { 201: phoneNumberObject, ...numberErrors },
    },
    handler: async (request, reply) => {
      const { tenantId, livemode } = scopeOf(request.auth);
      const { country, area_code, carrier: requested, name } = request.body;
      const carrier = carriers.choose(livemode, requested);
      const row = await throughCarrier(() =>
        provisionPhoneNumber(db, { tenantId, carrier, country, areaCode: area_code, name }),
      );
      return reply.code(201).send(render(row));
    },
  });

  app.post('/v1/phone-numbers/verify', {
    config: { scope: 'numbers:write', rateClass: 'dial' },
    schema: {
      tags,
      summary: 'Start caller-ID verification of a number you own',
      description:
        'The carrier calls the number and speaks a 6-digit code, valid for 10 minutes and 5 attempts; confirm it with POST /v1/phone-numbers/{id}/verify/confirm. Starting again on an unverified number sends a new code (200); a new number answers 201. In test mode the sandbox carrier "calls" instantly: read the code from GET /v1/phone-numbers/{id}/verify/sandbox-delivery.',
      security: BEARER,
      body: verifyBody,
      response: { 200: phoneNumberObject, 201: phoneNumberObject, ...numberErrors },
    },
    handler: async (request, reply) => {
      const { tenant, tenantId, livemode } = scopeOf(request.auth);
      const parsed = normalisePhone(request.body.phone_number, tenantRegion(tenant.settings));
      if (!parsed.ok) {
        throw new HttpError(400, 'validation_error', `Invalid request body: phone_number: ${parsed.reason}.`, {
          errors: [{ path: 'phone_number', message: parsed.reason }],
        });
      }
      const carrier = carriers.choose(livemode, request.body.carrier);
      const { row, created } = await throughCarrier(() =>
        startVerification(db, { tenantId, carrier, phoneNumber: parsed.e164, country: parsed.country, now: ctx.now() }),
      );
      return reply.code(created ? 201 : 200).send(render(row));
    },
  });

  app.post('/v1/phone-numbers/:id/verify/confirm', {
    config: { scope: 'numbers:write' },
    schema: {
      tags,
      summary: 'Confirm caller-ID verification with the code the carrier delivered',
      description:
        'Right code: the number becomes verified. Wrong code: 400 `incorrect_code` with `attempts_left`. After 5 wrong codes or 10 minutes: 410 `verification_expired`; start again with POST /v1/phone-numbers/verify.',
      security: BEARER,
      params: idParams,
      body: confirmBody,
      response: { 200: phoneNumberObject, ...numberErrors },
    },
    handler: async (request) => {
      const { tenantId, livemode } = scopeOf(request.auth);
      const row = await confirmVerification(db, {
        tenantId,
        livemode,
        id: request.params.id,
        code: request.body.code,
        now: ctx.now(),
      });
      return render(row);
    },
  });

  app.get('/v1/phone-numbers/:id/verify/sandbox-delivery', {
    config: { scope: 'numbers:read' },
    schema: {
      tags,
      summary: 'Test mode: the verification code the sandbox carrier delivered',
      description:
        "What the sandbox's verification call said, so a test can confirm without a phone. Kept in the memory of the process that started the verification (the latest 1,000). When calls exist this moves to the verification call's events.",
      security: BEARER,
      params: idParams,
      response: { 200: sandboxDelivery, ...commonErrors },
    },
    handler: async (request) => {
      const { tenantId, livemode } = scopeOf(request.auth);
      const id = request.params.id;
      if (livemode) {
        throw new HttpError(
          400,
          'test_mode_only',
          'Sandbox deliveries exist in test mode only; a live verification code goes to the phone itself.',
        );
      }
      const row = await findPhoneNumber(db, { tenantId, livemode, id });
      if (!row) throw notFound('phone number', id);
      const delivery = sandbox.outbox.latest(id);
      if (!delivery) {
        throw new HttpError(
          404,
          'no_sandbox_delivery',
          `The sandbox carrier has delivered no verification code for '${id}' in this process. Start one with POST /v1/phone-numbers/verify.`,
        );
      }
      return {
        object: 'sandbox_delivery' as const,
        phone_number_id: id,
        phone_number: delivery.phoneNumber,
        channel: delivery.channel,
        code: delivery.code,
        message: delivery.message,
        delivered_at: new Date(delivery.deliveredAt).toISOString(),
      };
    },
  });
}
