import { legalHoliday } from './data/holidays.js';
import { FEDERAL_WINDOW, STATE_RULES, type StateRules, type Window } from './data/state-windows.js';
import { addDays, localTime, minutesOf, weekdayOf, zonedInstant } from './local-time.js';
import type { CallingHours } from './types.js';

/**
 * When calls may be placed to one callee: the intersection of every applicable window (federal,
 * the callee's state with its Sunday, Saturday and holiday rules, the agent's and the campaign's
 * `calling_hours`), on the wall clock of every zone the number may be in. A number that may be in
 * Boise or in Los Angeles (208) is callable only when it is callable in both.
 */

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** How far ahead the next opening is looked for before the window is declared never open. */
const SEARCH_DAYS = 14;

/** One day's open interval in minutes since local midnight, and what limits it. */
export interface DayWindow {
  start: number;
  end: number;
  /** The windows that set the start and the end (`federal`, `state:TX`, `agent`, `campaign`). */
  limits: string[];
}

export interface WindowSpec {
  /** The callee's US state, when known. */
  state: string | null;
  agentHours?: CallingHours | null | undefined;
  campaignHours?: CallingHours | null | undefined;
}

/** Why a day is closed, for the sentence a person reads. */
export type ClosedDay = { closed: string };

function stateWindowFor(rules: StateRules, date: string, weekday: number): Window | 'closed' | undefined {
  if (rules.holidays && legalHoliday(date)) return rules.holidays;
  if (weekday === 0 && rules.sunday) return rules.sunday;
  if (weekday === 6 && rules.saturday) return rules.saturday;
  return rules.window;
}

/** The window of `date` (local) for a callee, or why the day is closed. */
export function dayWindow(spec: WindowSpec, date: string): DayWindow | ClosedDay {
  const weekday = weekdayOf(date);
  const parts: Array<{ label: string; window: Window }> = [{ label: 'federal', window: FEDERAL_WINDOW }];
  const rules = spec.state ? STATE_RULES[spec.state] : undefined;
  if (rules) {
    const w = stateWindowFor(rules, date, weekday);
    if (w === 'closed') {
      const holiday = rules.holidays === 'closed' ? legalHoliday(date) : undefined;
      return {
        closed: holiday
          ? `${holiday} (no calls in ${spec.state} on legal holidays)`
          : `no calls in ${spec.state} on ${weekday === 0 ? 'Sundays' : 'Saturdays'}`,
      };
    }
    if (w) parts.push({ label: `state:${spec.state}`, window: w });
  }
  for (const [label, hours] of [
    ['agent', spec.agentHours],
    ['campaign', spec.campaignHours],
  ] as const) {
    if (!hours) continue;
    if (!hours.days.includes(DAY_NAMES[weekday] as string))
      return { closed: `the ${label}'s calling days exclude ${DAY_NAMES[weekday]}` };
    parts.push({ label, window: { start: hours.start, end: hours.end } });
  }
  let start = 0;
  let end = 24 * 60;
  const limits = new Set<string>();
  for (const p of parts) {
    const s = minutesOf(p.window.start);
    const e = minutesOf(p.window.end);
    if (s >= start) start = s;
    if (e <= end) end = e;
  }
  for (const p of parts) {
    if (minutesOf(p.window.start) === start || minutesOf(p.window.end) === end) limits.add(p.label);
  }
  if (start >= end) return { closed: 'the applicable windows do not overlap on this day' };
  return { start, end, limits: [...limits] };
}

export interface ZoneStatus {
  zone: string;
  open: boolean;
  /** The local date and minutes at the instant asked about. */
  date: string;
  minutes: number;
  window: DayWindow | ClosedDay;
}

/** Whether each zone is inside its window at `ms`. */
export function zoneStatuses(spec: WindowSpec, zones: readonly string[], ms: number): ZoneStatus[] {
  return zones.map((zone) => {
    const local = localTime(zone, ms);
    const window = dayWindow(spec, local.date);
    const open = 'start' in window && local.minutes >= window.start && local.minutes < window.end;
    return { zone, open, date: local.date, minutes: local.minutes, window };
  });
}

/** The next instant ≥ `ms` at which `zone`'s window opens, or undefined within the search horizon. */
function nextOpening(spec: WindowSpec, zone: string, ms: number): number | undefined {
  const local = localTime(zone, ms);
  for (let d = 0; d <= SEARCH_DAYS; d++) {
    const date = addDays(local.date, d);
    const w = dayWindow(spec, date);
    if (!('start' in w)) continue;
    if (d === 0 && local.minutes >= w.end) continue;
    if (d === 0 && local.minutes >= w.start) return ms;
    return zonedInstant(zone, date, w.start);
  }
  return undefined;
}

/**
 * The first instant ≥ `ms` at which every zone is open, or undefined when none comes within
 * `SEARCH_DAYS`. Each round moves to the latest next opening among the closed zones; the rounds
 * are few (zones × days), since each one passes a closed zone's whole closed stretch.
 */
export function nextOpenInstant(spec: WindowSpec, zones: readonly string[], ms: number): number | undefined {
  let t = ms;
  const horizon = ms + (SEARCH_DAYS + 1) * 86_400_000;
  while (t <= horizon) {
    const closed = zoneStatuses(spec, zones, t).filter((z) => !z.open);
    if (closed.length === 0) return t;
    let next = t;
    for (const z of closed) {
      const opening = nextOpening(spec, z.zone, t);
      if (opening === undefined) return undefined;
      next = Math.max(next, opening);
    }
    // An opening always lies ahead of a closed zone; the guard stops a loop on bad data.
    t = next > t ? next : t + 60_000;
  }
  return undefined;
}
