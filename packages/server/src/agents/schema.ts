import { z } from 'zod';
import type { ProviderKind, ProviderRegistry } from '../providers/registry.js';

/**
 * The agent as the API reads and writes it (api.md, "Agents"). `agentInput` validates a create;
 * `agentPatch` a partial update, whose merge with the stored agent is validated as a whole again.
 */

const E164 = /^\+[1-9]\d{6,14}$/;
const SIP_URI = /^sips?:[^\s@]+@[^\s]+$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** Tool names the LLM sees: what OpenAI-compatible function calling accepts. */
const TOOL_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$/;
/** Header values read back in place of secrets; sending it back on PATCH keeps the stored value. */
export const MASK = '****';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** A provider id field that only accepts what the registry knows, naming the choices when it refuses. */
function providerId(registry: ProviderRegistry, kind: ProviderKind) {
  const known = registry.ids(kind);
  const choices = known.length ? known.map((k) => `'${k}'`).join(', ') : 'none';
  return z
    .string()
    .min(1)
    .max(64)
    .superRefine((id, ctx) => {
      if (!registry.get(kind, id))
        ctx.addIssue({ code: 'custom', message: `unknown ${kind} provider '${id}'; this server has ${choices}` });
    })
    .describe(`A ${kind} provider this server has: ${choices}.`);
}

function providerRef(registry: ProviderRegistry, kind: ProviderKind) {
  const fields = {
    provider: providerId(registry, kind),
    model: z.string().min(1).max(200).optional(),
    voice: z.string().min(1).max(200).optional(),
    language: z.string().min(2).max(35).optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  };
  return z.strictObject({ ...fields, fallback: z.strictObject(fields).optional() });
}

function realtimeRef(registry: ProviderRegistry) {
  return z.strictObject({
    provider: providerId(registry, 'realtime'),
    model: z.string().min(1).max(200),
    voice: z.string().min(1).max(200),
    options: z.record(z.string(), z.unknown()).optional(),
  });
}

/** A JSON Schema object: we check its outer shape; the LLM adapters pass it on as is. */
const jsonSchemaObject = z
  .record(z.string(), z.unknown())
  .refine((s) => s.type === undefined || s.type === 'object', { message: "must be a JSON Schema with type 'object'" });

const description = z.string().max(1000).optional();

export const toolSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('end_call'), description }),
  z.strictObject({
    type: z.literal('transfer_call'),
    to: z
      .string()
      .refine((v) => E164.test(v) || SIP_URI.test(v), 'must be an E.164 number (+14155550123) or a sip: URI'),
    mode: z.enum(['cold', 'warm']).default('cold'),
    description,
  }),
  z.strictObject({ type: z.literal('send_dtmf'), description }),
  z.strictObject({ type: z.literal('add_to_dnc'), description }),
  z.strictObject({
    type: z.literal('http'),
    name: z.string().regex(TOOL_NAME, 'must be 1–64 letters, digits, _ or -, starting with a letter or _'),
    description: z.string().min(1).max(1000),
    parameters: jsonSchemaObject.default({ type: 'object', properties: {} }),
    url: httpUrl,
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'not a header name'), z.string().max(4000)).default({}),
    timeout_ms: z.number().int().min(100).max(30_000).default(5_000),
  }),
]);
export type AgentTool = z.output<typeof toolSchema>;

const voicemail = z
  .strictObject({
    action: z.enum(['leave_message', 'hang_up']),
    message: z.string().min(1).max(2000).optional(),
  })
  .refine((v) => v.action !== 'leave_message' || v.message, {
    message: "a message is required when action is 'leave_message'",
    path: ['message'],
  });

const callingHours = z
  .strictObject({
    start: z.string().regex(HHMM, 'must be HH:MM (24 h)'),
    end: z.string().regex(HHMM, 'must be HH:MM (24 h)'),
    days: z
      .array(z.enum(WEEKDAYS))
      .min(1)
      .refine((d) => new Set(d).size === d.length, 'days must not repeat')
      .default(['mon', 'tue', 'wed', 'thu', 'fri']),
  })
  .refine((h) => h.start < h.end, { message: 'start must be before end', path: ['end'] });

const interruptions = z.strictObject({
  enabled: z.boolean().default(true),
  min_words: z.number().int().min(0).max(20).default(2),
});

/**
 * The agent's schemas for one provider registry: `agentObject` validates a create (and a merged
 * PATCH), `agentPatch` a partial update whose fields carry no defaults (a PATCH must not reset
 * what it leaves out).
 */
export function agentSchemas(registry: ProviderRegistry) {
  const fields = {
    name: z.string().trim().min(1).max(200),
    pipeline: z.enum(['cascaded', 'realtime']).default('cascaded'),
    stt: providerRef(registry, 'stt').default({ provider: 'sandbox' }),
    llm: providerRef(registry, 'llm').default({ provider: 'scripted' }),
    tts: providerRef(registry, 'tts').default({ provider: 'espeak' }),
    realtime: realtimeRef(registry).nullable().default(null),
    system_prompt: z.string().max(50_000).default(''),
    first_message: z.string().max(2_000).nullable().default(null),
    tools: z.array(toolSchema).max(64).default([]),
    voicemail: voicemail.default({ action: 'hang_up' }),
    max_duration_sec: z.number().int().min(10).max(14_400).default(600),
    silence_timeout_sec: z.number().int().min(2).max(600).default(30),
    interruptions: interruptions.default({ enabled: true, min_words: 2 }),
    calling_hours: callingHours.nullable().default(null),
    extraction_schema: jsonSchemaObject.nullable().default(null),
    webhook_url: httpUrl.nullable().default(null),
    is_active: z.boolean().default(true),
    language: z
      .string()
      .min(2)
      .max(35)
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 tag such as en-US')
      .default('en-US'),
  };
  const agentObject = z.strictObject(fields);
  const agentPatch = z.strictObject(
    Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, (v instanceof z.ZodDefault ? v.unwrap() : v).optional()]),
    ),
  ) as unknown as z.ZodType<Partial<z.output<typeof agentObject>>>;
  return { agentObject, agentPatch };
}

export type AgentConfig = z.output<ReturnType<typeof agentSchemas>['agentObject']>;

/**
 * What the field schemas cannot see: the pipeline's needs and tool names unique. Returns
 * zod-style issues so they render like every other 400.
 */
export function agentRuleIssues(agent: AgentConfig): Array<{ path: (string | number)[]; message: string }> {
  const issues: Array<{ path: (string | number)[]; message: string }> = [];
  if (agent.pipeline === 'realtime' && !agent.realtime) {
    issues.push({ path: ['realtime'], message: "required when pipeline is 'realtime'" });
  }
  const names = new Set<string>();
  agent.tools.forEach((tool, i) => {
    const name = tool.type === 'http' ? tool.name : tool.type;
    if (names.has(name)) issues.push({ path: ['tools', i], message: `tool '${name}' appears twice` });
    names.add(name);
    if (tool.type !== 'http') return;
    for (const [header, value] of Object.entries(tool.headers)) {
      // After the merge a mask survives only where no stored value stood behind it (a new or renamed tool).
      if (value === MASK) {
        issues.push({
          path: ['tools', i, 'headers', header],
          message: `'${MASK}' keeps a stored value, and tool '${tool.name}' has none for this header: send the real value`,
        });
      }
    }
  });
  return issues;
}
