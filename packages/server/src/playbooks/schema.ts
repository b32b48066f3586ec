import { z } from 'zod';
import { BUILTIN_IDS, findBuiltin } from './builtin.js';

/**
 * A custom playbook as the API writes it. Every content field may be null: on a fork (`base`)
 * null means "the base's value, read when the playbook is read"; without a base it means the
 * empty default ([] for lists, null otherwise), except `strategy`, which a playbook without a
 * base must have.
 */
const rules = z.array(z.string().trim().min(1).max(500)).max(50);
const jsonSchemaObject = z
  .record(z.string(), z.unknown())
  .refine((s) => s.type === undefined || s.type === 'object', { message: "must be a JSON Schema with type 'object'" });
const base = z
  .string()
  .refine((id) => findBuiltin(id) !== undefined, { message: `must be one of ${BUILTIN_IDS.join(', ')}` })
  .describe('A platform.* playbook to fork; null fields are read from it.');

const fields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2_000).nullable(),
  base: base.nullable(),
  strategy: z.string().trim().min(1).max(20_000).nullable(),
  behavior_rules: rules.nullable(),
  extraction_schema: jsonSchemaObject.nullable(),
  success_criteria: rules.nullable(),
  voice_tone: z.string().trim().min(1).max(500).nullable(),
};

export const playbookCreate = z
  .strictObject({
    name: fields.name,
    description: fields.description.default(null),
    base: fields.base.default(null),
    strategy: fields.strategy.default(null),
    behavior_rules: fields.behavior_rules.default(null),
    extraction_schema: fields.extraction_schema.default(null),
    success_criteria: fields.success_criteria.default(null),
    voice_tone: fields.voice_tone.default(null),
  })
  .superRefine((p, ctx) => {
    if (p.base === null && p.strategy === null) ctx.addIssue(strategyRequired());
  });
export type PlaybookInput = z.output<typeof playbookCreate>;

/** A PATCH: fields sent replace the stored ones; null resets a field to inherited (or empty). */
export const playbookPatch = z.strictObject(
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof typeof fields]: z.ZodOptional<(typeof fields)[K]>;
  },
);

/** The issue for a playbook left with neither a base nor a strategy. */
export function strategyRequired() {
  return {
    code: 'custom' as const,
    path: ['strategy'],
    message: "required when there is no base: fork a platform playbook with 'base', or write a strategy",
    input: null,
  };
}
