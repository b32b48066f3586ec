import { z } from 'zod';

/**
 * A persona: who the agent says it is on a call (api.md, "personas"). `caller_name` and
 * `company` flow into the disclosure (compliance/disclosure.ts): "Hi, this is Alex, an AI
 * assistant calling for Acme Dental." `voice` and `language`, when set, replace the agent's for
 * calls made with the persona; `default_rules` are added to the call's behaviour rules.
 */
const text = (max: number) => z.string().trim().min(1).max(max);

const fields = {
  name: text(200).describe('For you: how the persona is listed.'),
  caller_name: text(100).describe('The first name the agent gives on the phone.'),
  company: text(200).nullable().describe('The business the agent calls for; the tenant\u2019s name when null.'),
  role: text(200).nullable().describe('The role the agent states, e.g. "scheduling assistant".'),
  voice: text(200).nullable().describe('A TTS voice id, used instead of the agent\u2019s when set.'),
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 tag such as en-US')
    .max(35)
    .nullable(),
  default_rules: z.array(text(500)).max(50).describe('Behaviour rules added to every call made with this persona.'),
};

export const personaCreate = z.strictObject({
  name: fields.name,
  caller_name: fields.caller_name,
  company: fields.company.default(null),
  role: fields.role.default(null),
  voice: fields.voice.default(null),
  language: fields.language.default(null),
  default_rules: fields.default_rules.default([]),
});
export type PersonaInput = z.output<typeof personaCreate>;

/** A PATCH: fields sent replace the stored ones; null clears a nullable field. */
export const personaPatch = z.strictObject(
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof typeof fields]: z.ZodOptional<(typeof fields)[K]>;
  },
);
