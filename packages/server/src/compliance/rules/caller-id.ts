import type { Rule } from '../types.js';

/**
 * Rule `caller-id` (compliance.md, "STIR/SHAKEN"): the number shown to the callee is one of this
 * tenant's numbers in this mode, verified (provisioned, or OTP-verified), and signed with
 * attestation A, the only level at which the carrier vouches for our right to the number. B and
 * C calls are flagged or blocked by terminating carriers, so we do not place them.
 */
export const callerIdRule: Rule = ({ input, from }) => {
  const asked = input.fromNumber ?? null;
  if (!from)
    return {
      rule: 'caller-id',
      outcome: 'deny',
      code: asked ? 'caller_id_not_owned' : 'no_caller_id',
      reason: asked
        ? `${asked} is not a phone number of this account in ${input.livemode ? 'live' : 'test'} mode.`
        : `This account has no verified phone number in ${input.livemode ? 'live' : 'test'} mode to call from; provision or verify one.`,
      data: { from_number: asked },
    };
  const data = {
    from_number: from.phone_number,
    phone_number_id: from.id,
    verified: from.verified,
    attestation: from.attestation,
  };
  if (!from.verified)
    return {
      rule: 'caller-id',
      outcome: 'deny',
      code: 'caller_id_unverified',
      reason: `${from.phone_number} is not verified yet; finish its verification before calling from it.`,
      data,
    };
  if (from.attestation !== 'A')
    return {
      rule: 'caller-id',
      outcome: 'deny',
      code: 'caller_id_attestation',
      reason: `${from.phone_number} is signed with STIR/SHAKEN attestation ${from.attestation ?? 'none'}; calls are placed only from numbers with attestation A.`,
      data,
    };
  return {
    rule: 'caller-id',
    outcome: 'pass',
    code: 'caller_id_verified',
    reason: `${from.phone_number} is verified with attestation A.`,
    data,
  };
};
