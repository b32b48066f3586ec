import { z } from 'zod';
import { findCheck } from '../../compliance/check-store.js';
import { checkCompliance } from '../../compliance/gate.js';
import { RULE_NAMES } from '../../compliance/types.js';
import { normalisePhone, tenantRegion } from '../../contacts/phone.js';
import { HttpError, notFound } from '../../errors.js';
import { type ApiContext, type App, tenantOf } from '../context.js';
import { BEARER, commonErrors, idParams } from '../schemas.js';

/** How far from now a preview's `at` may lie: a year either way covers every calling-window question. */
const AT_RANGE_MS = 366 * 86_400_000;

const checkBody = z.strictObject({
  to: z.string().min(1).max(64).describe('The callee: E.164, or national form read with the default region.'),
  from_number: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe("The caller ID; the account's default number of this mode when absent."),
  agent_id: z.string().min(1).max(100).optional(),
  contact_id: z.string().min(1).max(100).optional().describe("A contact whose timezone overrides the number's."),
  at: z.iso
    .datetime({ offset: true, error: 'must be an ISO-8601 date-time such as 2026-11-24T15:00:00Z' })
    .optional()
    .describe('The instant to decide for; now when absent.'),
  telemarketing: z
    .boolean()
    .optional()
    .describe('A sales call (adds the opt-out obligation). Treated as true when absent.'),
  recording: z.boolean().optional().describe('Whether the call will be recorded (default true).'),
});

const verdictSchema = z
  .object({
    rule: z.enum(RULE_NAMES),
    outcome: z.enum(['pass', 'defer', 'deny']),
    code: z.string(),
    reason: z.string(),
    not_before: z.string().optional(),
    obligations: z.record(z.string(), z.boolean()).optional(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ComplianceVerdict' });

export const complianceCheckSchema = z
  .object({
    id: z.string(),
    object: z.literal('compliance_check'),
    livemode: z.boolean(),
    kind: z.enum(['dial', 'preview']),
    call_id: z.string().nullable(),
    to: z.string(),
    from: z.string().nullable(),
    agent_id: z.string().nullable(),
    contact_id: z.string().nullable(),
    decision: z.enum(['allow', 'defer', 'deny']),
    reasons: z.array(z.string()),
    not_before: z.string().nullable(),
    obligations: z.object({
      disclosure_required: z.boolean(),
      recording_notice_required: z.boolean(),
      opt_out_required: z.boolean(),
    }),
    verdicts: z.array(verdictSchema),
    evaluated_at: z.string(),
    created_at: z.string(),
  })
  .meta({ id: 'ComplianceCheck' });

const fieldError = (path: string, message: string) =>
  new HttpError(400, 'validation_error', `Invalid request body: ${path}: ${message}.`, { errors: [{ path, message }] });

export function registerComplianceRoutes(app: App, ctx: ApiContext): void {
  const db = ctx.db.kysely;
  const tags = ['Compliance'];

  app.post('/v1/compliance/check', {
    config: { scope: 'compliance:read' },
    schema: {
      tags,
      summary: 'The decision the compliance gate would make, without dialling (stored as a preview check)',
      security: BEARER,
      body: checkBody,
      response: { 200: complianceCheckSchema, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant, mode } = tenantOf(request.auth);
      const body = request.body;
      const region = tenantRegion(tenant.settings);
      const to = normalisePhone(body.to, region);
      if (!to.ok) throw fieldError('to', to.reason);
      let from: string | undefined;
      if (body.from_number !== undefined) {
        const parsed = normalisePhone(body.from_number, region);
        if (!parsed.ok) throw fieldError('from_number', parsed.reason);
        from = parsed.e164;
      }
      const now = ctx.now();
      const at = body.at === undefined ? now : Date.parse(body.at);
      if (Math.abs(at - now) > AT_RANGE_MS) throw fieldError('at', 'must lie within a year of now');
      return checkCompliance(
        db,
        {
          tenant,
          livemode: mode === 'live',
          to: to.e164,
          fromNumber: from,
          agentId: body.agent_id,
          contactId: body.contact_id,
          kind: 'preview',
          telemarketing: body.telemarketing,
          recording: body.recording,
        },
        { now: at },
      );
    },
  });

  app.get('/v1/compliance/checks/:id', {
    config: { scope: 'compliance:read' },
    schema: {
      tags,
      summary: 'Get a compliance check: the decision, every verdict and the data it used',
      security: BEARER,
      params: idParams,
      response: { 200: complianceCheckSchema, ...commonErrors },
    },
    handler: async (request) => {
      const { tenant, mode } = tenantOf(request.auth);
      const check = await findCheck(db, { tenantId: tenant.id, livemode: mode === 'live', id: request.params.id });
      if (!check) throw notFound('compliance check', request.params.id);
      return check;
    },
  });
}
