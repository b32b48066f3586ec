import type { FieldError } from '../../errors.js';
import type { AgentConfig } from '../schema.js';
import { fillVariables } from '../variables.js';
import type { AgentTemplate } from './types.js';

const TEXTS = new Set(['system_prompt', 'first_message', 'voicemail']);

/** What `POST /v1/agent-templates/{id}/clone` may change on the way from template to agent. */
export interface CloneOptions {
  /** The new agent's name; the template's name when absent. */
  name?: string | undefined;
  /** Values written into the prompts and messages now; only declared variables are accepted. */
  variables?: Record<string, string> | undefined;
  /** A number or SIP URI: adds a `transfer_call` tool with the template's transfer description. */
  transfer_to?: string | undefined;
  /** Agent fields that replace the template's (providers, language, webhook_url, …), as in a PATCH. */
  overrides?: Partial<AgentConfig> | undefined;
}

export interface CloneResult {
  /** A `POST /v1/agents` body, still to be validated with the agent schema. */
  agent: Record<string, unknown>;
  /** Problems found before validation, with paths in the clone request's body. */
  errors: FieldError[];
  /** Maps a path in `agent` to the path in the clone request that produced it. */
  requestPath(agentPath: readonly PropertyKey[]): string;
}

/**
 * A template turned into an agent body. Given variables are filled in; optional variables not
 * given get their default; required ones not given stay `{{placeholders}}`, to be filled per call
 * (a call without them fails at creation). A value may not itself contain `{{`, or the agent
 * would use a placeholder the template never declared.
 */
export function cloneTemplate(template: AgentTemplate, options: CloneOptions): CloneResult {
  const errors: FieldError[] = [];
  const declared = new Map(template.variables.map((v) => [v.name, v]));
  const given = options.variables ?? {};
  for (const [name, value] of Object.entries(given)) {
    if (!declared.has(name)) {
      errors.push({
        path: `variables.${name}`,
        message: `template ${template.id} has no variable '${name}'; it has ${[...declared.keys()].join(', ')}`,
      });
    } else if (value.includes('{{')) {
      errors.push({ path: `variables.${name}`, message: "a value must not contain '{{'" });
    }
  }
  const values: Record<string, string> = {};
  for (const variable of template.variables) {
    const value = Object.hasOwn(given, variable.name) ? given[variable.name] : variable.default;
    if (value !== undefined) values[variable.name] = value;
  }

  const overrides = options.overrides ?? {};
  const base = template.agent;
  const tools: unknown[] = [...(overrides.tools ?? base.tools ?? [])];
  const transferIndex = options.transfer_to === undefined ? -1 : tools.length;
  if (options.transfer_to !== undefined) {
    tools.push({
      type: 'transfer_call',
      to: options.transfer_to,
      mode: template.transfer.mode,
      description: template.transfer.description,
    });
  }
  const merged: Record<string, unknown> = { ...base, ...overrides, name: options.name ?? base.name, tools };
  const fill = (text: unknown) => (typeof text === 'string' ? fillVariables(text, values) : text);
  merged.system_prompt = fill(merged.system_prompt);
  merged.first_message = fill(merged.first_message);
  const voicemail = merged.voicemail as { message?: string } | undefined;
  if (voicemail?.message !== undefined) merged.voicemail = { ...voicemail, message: fill(voicemail.message) };

  const requestPath = (agentPath: readonly PropertyKey[]): string => {
    const [head, ...rest] = agentPath.map(String);
    if (head === 'tools' && rest[0] === String(transferIndex)) return 'transfer_to';
    if (head === 'name' && options.name !== undefined) return 'name';
    if (head === undefined) return '';
    // The template is valid as it stands, so a problem in a text no override replaced came from
    // the variables written into it (too long); anything else can only be fixed by an override.
    if (TEXTS.has(head) && !Object.hasOwn(overrides, head)) return 'variables';
    return ['overrides', head, ...rest].join('.');
  };
  return { agent: merged, errors, requestPath };
}
