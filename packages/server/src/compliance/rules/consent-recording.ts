import { requiresAllPartyConsent } from '../data/consent-states.js';
import type { Rule } from '../types.js';

/**
 * Rule `consent-recording` (compliance.md): when the callee's or the caller's state requires
 * every party's consent to record (data/consent-states.ts), a recorded call opens with the
 * recording notice. A callee whose state is unknown (a number outside the US states, a
 * non-geographic one) gets the notice too, the stricter reading. An unrecorded call needs none.
 */
export const consentRecordingRule: Rule = ({ input, callee, caller }) => {
  const recording = input.recording ?? true;
  const calleeState = callee.state;
  const callerState = caller?.state ?? null;
  const data = { recording, callee_state: calleeState, caller_state: callerState };
  if (!recording)
    return {
      rule: 'consent-recording',
      outcome: 'pass',
      code: 'not_recorded',
      reason: 'The call is not recorded: no notice needed.',
      obligations: { recording_notice_required: false },
      data,
    };
  const strict = [calleeState, callerState].filter((s): s is string => s !== null && requiresAllPartyConsent(s));
  const needed = strict.length > 0 || calleeState === null;
  return {
    rule: 'consent-recording',
    outcome: 'pass',
    code: needed ? 'recording_notice_required' : 'one_party_consent',
    reason: needed
      ? strict.length
        ? `${[...new Set(strict)].join(' and ')} require${strict.length === 1 ? 's' : ''} every party's consent to record: the call opens with a recording notice.`
        : "The callee's state is unknown: the call opens with a recording notice."
      : 'One-party consent applies: no recording notice needed.',
    obligations: { recording_notice_required: needed },
    data,
  };
};
