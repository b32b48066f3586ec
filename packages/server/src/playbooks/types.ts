/** What a playbook says about how to run a conversation (api.md, "Agents and what shapes a conversation"). */
export interface PlaybookContent {
  /** The approach, in prose, given to the LLM as its plan for the call. */
  strategy: string;
  /** Short imperative rules the agent must keep, one a line. */
  behavior_rules: string[];
  /** What to extract after the call (JSON Schema, type object), or null for none. */
  extraction_schema: Record<string, unknown> | null;
  /** When the call counts as a success; the post-call analysis sets `outcome` from them. */
  success_criteria: string[];
  /** How the agent should sound, for the prompt and the TTS style. */
  voice_tone: string | null;
}

export const CONTENT_FIELDS = [
  'strategy',
  'behavior_rules',
  'extraction_schema',
  'success_criteria',
  'voice_tone',
] as const satisfies ReadonlyArray<keyof PlaybookContent>;
export type ContentField = (typeof CONTENT_FIELDS)[number];

/** A `platform.*` playbook: code, read-only, the same for every tenant. */
export interface BuiltinPlaybook extends PlaybookContent {
  id: `platform.${string}`;
  name: string;
  description: string;
}
