import type { Rule } from '../types.js';

/**
 * Rule `agent` (compliance.md): the agent exists, belongs to the tenant and is active. An inactive
 * agent places no calls (the kill switch); a call without an agent (objective only) has nothing
 * to check here.
 */
export const agentRule: Rule = ({ input, agent }) => {
  if (!input.agentId)
    return { rule: 'agent', outcome: 'pass', code: 'no_agent', reason: 'No agent was given.', data: {} };
  const data = { agent_id: input.agentId };
  if (!agent)
    return {
      rule: 'agent',
      outcome: 'deny',
      code: 'agent_not_found',
      reason: `There is no agent '${input.agentId}' in this account.`,
      data,
    };
  if (!agent.is_active)
    return {
      rule: 'agent',
      outcome: 'deny',
      code: 'agent_inactive',
      reason: `The agent '${agent.name}' is inactive; activate it (is_active: true) to place calls with it.`,
      data,
    };
  return { rule: 'agent', outcome: 'pass', code: 'agent_active', reason: `The agent '${agent.name}' is active.`, data };
};
