import { nextOpenInstant, type WindowSpec, zoneStatuses } from '../calling-window.js';
import { hhmm, zoneCity } from '../local-time.js';
import type { CallingHours, Rule } from '../types.js';

/**
 * Rule `calling-hours` (compliance.md): the callee's local time is inside every applicable window
 * in every zone the number may be in (calling-window.ts); otherwise defer to the next minute at
 * which all are open. A contact's own `timezone` replaces the zones of the number (mobiles
 * travel). A number with no zone is refused unless the contact has one, except the sandbox's
 * scenario numbers in test mode, which are always inside their window (sandbox.md).
 */

/** +1 500 555 00xx, the sandbox's scripted callees (sandbox.md, "Scenarios"). */
const SANDBOX_SCENARIO = /^\+150055500\d\d$/;

export const callingHoursRule: Rule = ({ input, now, callee, contact, agent }) => {
  const agentHours = (agent?.config as { calling_hours?: CallingHours | null } | undefined)?.calling_hours ?? null;
  const spec: WindowSpec = { state: callee.state, agentHours, campaignHours: input.campaignHours ?? null };
  const zones = contact?.timezone ? [contact.timezone] : callee.zones;
  const base = {
    zones,
    zones_from: contact?.timezone ? 'contact' : 'number',
    state: callee.state,
    agent_hours: agentHours,
    campaign_hours: input.campaignHours ?? null,
  };

  if (!input.livemode && SANDBOX_SCENARIO.test(input.to))
    return {
      rule: 'calling-hours',
      outcome: 'pass',
      code: 'sandbox_scenario_number',
      reason: `${input.to} is a sandbox scenario number: always inside its calling window.`,
      data: base,
    };
  if (zones.length === 0)
    return {
      rule: 'calling-hours',
      outcome: 'deny',
      code: 'no_time_zone',
      reason: `No time zone can be derived for ${input.to}, so its local time is unknown; give the contact a timezone to call it.`,
      data: base,
    };

  const statuses = zoneStatuses(spec, zones, now);
  const data = {
    ...base,
    local: statuses.map((s) => ({
      zone: s.zone,
      date: s.date,
      time: hhmm(s.minutes),
      open: s.open,
      window:
        'start' in s.window
          ? { start: hhmm(s.window.start), end: hhmm(s.window.end), limits: s.window.limits }
          : s.window,
    })),
  };
  if (statuses.every((s) => s.open)) {
    const where = statuses.map((s) => `${hhmm(s.minutes)} in ${zoneCity(s.zone)}`).join(', ');
    return {
      rule: 'calling-hours',
      outcome: 'pass',
      code: 'inside_calling_hours',
      reason: `It is ${where}: inside the calling window.`,
      data,
    };
  }

  const next = nextOpenInstant(spec, zones, now);
  const blocking = statuses.find((s) => !s.open);
  if (next === undefined || !blocking)
    return {
      rule: 'calling-hours',
      outcome: 'deny',
      code: 'no_calling_window',
      reason: `The calling windows that apply to ${input.to} do not open in the next two weeks; widen the agent's or campaign's calling hours.`,
      data,
    };
  const window = blocking.window;
  const why = 'closed' in window ? ` (${window.closed})` : '';
  const from = 'start' in window ? ` may be placed from ${hhmm(window.start)} local time` : ' may be placed again';
  return {
    rule: 'calling-hours',
    outcome: 'defer',
    code: 'outside_calling_hours',
    reason: `It is ${hhmm(blocking.minutes)} in ${zoneCity(blocking.zone)}${why}; calls to this number${from}, next at ${new Date(next).toISOString()}.`,
    not_before: new Date(next).toISOString(),
    data,
  };
};
