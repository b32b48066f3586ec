import { OPT_OUT_AT_START_STATES } from '../data/state-windows.js';
import type { Rule } from '../types.js';

/**
 * Rule `disclosure` (compliance.md): every call's first utterance identifies the business and says
 * the caller is an AI voice (FCC 24-17); a telemarketing call, and any call to a state that wants
 * the opt-out at the start (PA), adds the opt-out. The voice engine carries these out
 * (compliance/disclosure.ts composes the first utterance). A call whose purpose is not given is
 * treated as telemarketing, the stricter reading.
 */
export const disclosureRule: Rule = ({ input, callee }) => {
  const telemarketing = input.telemarketing ?? true;
  const stateWantsOptOut = callee.state !== null && OPT_OUT_AT_START_STATES.has(callee.state);
  const optOut = telemarketing || stateWantsOptOut;
  const why = telemarketing ? 'a telemarketing call' : `a call to ${callee.state}`;
  return {
    rule: 'disclosure',
    outcome: 'pass',
    code: optOut ? 'disclosure_and_opt_out' : 'disclosure',
    reason: optOut
      ? `The first utterance names ${input.tenant.name}, says the caller is an AI voice and, as ${why}, offers the opt-out.`
      : `The first utterance names ${input.tenant.name} and says the caller is an AI voice.`,
    obligations: { disclosure_required: true, opt_out_required: optOut },
    data: { telemarketing, business_name: input.tenant.name, opt_out_state: stateWantsOptOut ? callee.state : null },
  };
};
