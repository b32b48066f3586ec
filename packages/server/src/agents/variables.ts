import type { AgentConfig } from './schema.js';

/**
 * `{{name}}` placeholders in prompts and messages (api.md, "templating"). A call fills them from
 * `dynamic_variables`, then contact fields, then the built-ins; a placeholder none of those fill
 * is an error at call creation, not silence on the phone. Spaces inside the braces are allowed
 * (`{{ company_name }}`), as Mustache and Jinja users write them.
 */

/** Filled by the platform on every call, so a template never needs to declare them. */
export const BUILTIN_VARIABLES = ['now', 'to_number', 'agent_name'] as const;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}/g;

/** The distinct placeholder names in `text`, in order of first appearance. */
export function templateVariables(text: string | null | undefined): string[] {
  if (!text) return [];
  const names = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) names.add(match[1] as string);
  return [...names];
}

/** The texts of an agent that are templated: its prompt, first message and voicemail message. */
export function agentTexts(agent: Pick<AgentConfig, 'system_prompt' | 'first_message' | 'voicemail'>): string[] {
  return [agent.system_prompt, agent.first_message ?? '', agent.voicemail.message ?? ''];
}

/** Every placeholder the agent's texts use, built-ins included, in order of first appearance. */
export function agentVariables(agent: Pick<AgentConfig, 'system_prompt' | 'first_message' | 'voicemail'>): string[] {
  return [...new Set(agentTexts(agent).flatMap(templateVariables))];
}

/**
 * The placeholders of `agent` that neither `values` nor the built-ins fill. A value that is
 * null or undefined counts as missing; an empty string is a value (the caller chose it).
 */
export function missingVariables(
  agent: Pick<AgentConfig, 'system_prompt' | 'first_message' | 'voicemail'>,
  values: Readonly<Record<string, unknown>>,
): string[] {
  const builtins: readonly string[] = BUILTIN_VARIABLES;
  return agentVariables(agent).filter(
    (name) => !builtins.includes(name) && (values[name] === undefined || values[name] === null),
  );
}

/** `text` with the placeholders named in `values` replaced; the others are left as they are. */
export function fillVariables(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}
