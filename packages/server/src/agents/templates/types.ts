import type { z } from 'zod';
import type { agentSchemas } from '../schema.js';

/** The six verticals of the catalogue, in the order the list answers them. */
export const VERTICALS = ['hr', 'sales', 'healthcare', 'insurance', 'collections', 'support'] as const;
export type Vertical = (typeof VERTICALS)[number];

/** What `POST /v1/agents` accepts: a template's agent is exactly such a body. */
export type AgentInput = z.input<ReturnType<typeof agentSchemas>['agentObject']>;

/** A `{{placeholder}}` a template's texts use. */
export interface TemplateVariable {
  /** The name between the braces. */
  name: string;
  /** What to put there, for the person filling it in. */
  description: string;
  /**
   * Required variables stay placeholders in a cloned agent unless the clone fills them, so a call
   * must supply them (or fail at creation). Optional ones carry a `default` the clone writes in.
   */
  required: boolean;
  /** A realistic value, shown in the catalogue and used by the tests. */
  example: string;
  /** Written in by the clone when it is given no value; only on optional variables. */
  default?: string;
}

/** A built-in agent template: code, not a row, so its id is the same in every process and release. */
export interface AgentTemplate {
  /** `tpl_<vertical>_<use_case>`: stable, never reused for another template. */
  id: `tpl_${string}`;
  vertical: Vertical;
  /** Short title, also the cloned agent's default name. */
  name: string;
  /** One or two sentences on what the agent does and for whom. */
  description: string;
  /** Every placeholder the agent's texts use apart from the built-ins, and nothing else. */
  variables: TemplateVariable[];
  /**
   * How the agent hands a caller to a person, when the clone is given `transfer_to`. Not a tool
   * on the template because a transfer target must be a real number or SIP URI at save time.
   */
  transfer: { mode: 'cold' | 'warm'; description: string };
  /** The agent itself: a valid `POST /v1/agents` body. */
  agent: AgentInput;
}
