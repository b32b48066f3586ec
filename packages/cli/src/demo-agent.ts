import { readFile } from 'node:fs/promises';
import { type AgentConfig, agentRuleIssues, agentSchemas } from '../../server/src/agents/schema.js';
import type { ProviderRegistry } from '../../server/src/providers/registry.js';

/**
 * The agent `simulate` uses without `--agent`: a dental office confirming an appointment, with
 * the tools the sandbox scenarios exercise (end_call, add_to_dnc, transfer_call) and two
 * questions the scripted LLM asks from the extraction schema.
 */
export const DEMO_AGENT = {
  name: 'Acme Dental reminder',
  first_message: 'Hi, this is Alex, an AI assistant calling from Acme Dental about your appointment.',
  system_prompt: 'Confirm the patient can come on Tuesday at 10 and whether they need parking.',
  tools: [{ type: 'end_call' }, { type: 'add_to_dnc' }, { type: 'transfer_call', to: '+14155550100' }],
  voicemail: {
    action: 'leave_message',
    message: 'Hi, this is Acme Dental. Please call us back at 415 555 0100 to confirm your appointment.',
  },
  silence_timeout_sec: 10,
  extraction_schema: {
    type: 'object',
    properties: {
      tuesday_ok: { type: 'boolean', description: 'Can you come on Tuesday at 10?' },
      parking: { type: 'boolean', description: 'Will you need a parking space?' },
    },
  },
};

/**
 * An agent from a JSON file with the body `POST /v1/agents` takes, validated by the same schema
 * (defaults filled in). Throws an Error whose message lists what is wrong, field by field.
 */
export async function loadAgent(path: string | undefined, registry: ProviderRegistry): Promise<AgentConfig> {
  let body: unknown = DEMO_AGENT;
  if (path) {
    try {
      body = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read the agent file ${path}: ${(error as Error).message}`);
    }
  }
  const parsed = agentSchemas(registry).agentObject.safeParse(body);
  const issues = parsed.success
    ? agentRuleIssues(parsed.data)
    : parsed.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message }));
  if (!parsed.success || issues.length > 0) {
    const list = issues.map((i) => `  ${i.path.join('.') || '(agent)'}: ${i.message}`).join('\n');
    throw new Error(`the agent in ${path ?? 'the demo'} is not valid:\n${list}`);
  }
  return parsed.data;
}
