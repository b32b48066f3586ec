/**
 * Legal holidays, as data, for the states that close on them (AL, LA, PA) or narrow their window
 * (NE) (data/state-windows.ts). The list is the eleven federal legal holidays (5 U.S.C. 6103);
 * states add their own (❓ not yet listed here). A holiday that falls on a weekend is observed on
 * the Friday before or the Monday after; both the date itself and the observed date count, the
 * stricter reading.
 */

type HolidayRule =
  | { name: string; month: number; day: number }
  /** `nth` weekday (0 = Sunday) of the month; -1 is the last. */
  | { name: string; month: number; weekday: number; nth: number };

export const LEGAL_HOLIDAYS: readonly HolidayRule[] = [
  { name: "New Year's Day", month: 1, day: 1 },
  { name: 'Martin Luther King Jr. Day', month: 1, weekday: 1, nth: 3 },
  { name: "Washington's Birthday", month: 2, weekday: 1, nth: 3 },
  { name: 'Memorial Day', month: 5, weekday: 1, nth: -1 },
  { name: 'Juneteenth', month: 6, day: 19 },
  { name: 'Independence Day', month: 7, day: 4 },
  { name: 'Labor Day', month: 9, weekday: 1, nth: 1 },
  { name: 'Columbus Day', month: 10, weekday: 1, nth: 2 },
  { name: 'Veterans Day', month: 11, day: 11 },
  { name: 'Thanksgiving Day', month: 11, weekday: 4, nth: 4 },
  { name: 'Christmas Day', month: 12, day: 25 },
];

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function datesOf(rule: HolidayRule, year: number): string[] {
  if ('day' in rule) {
    const at = Date.UTC(year, rule.month - 1, rule.day);
    const weekday = new Date(at).getUTCDay();
    const observed = weekday === 6 ? at - DAY_MS : weekday === 0 ? at + DAY_MS : at;
    return observed === at ? [iso(at)] : [iso(at), iso(observed)];
  }
  if (rule.nth > 0) {
    const first = Date.UTC(year, rule.month - 1, 1);
    const offset = (rule.weekday - new Date(first).getUTCDay() + 7) % 7;
    return [iso(first + (offset + 7 * (rule.nth - 1)) * DAY_MS)];
  }
  const last = Date.UTC(year, rule.month, 0);
  const back = (new Date(last).getUTCDay() - rule.weekday + 7) % 7;
  return [iso(last - back * DAY_MS)];
}

const byYear = new Map<number, Map<string, string>>();

/** The holiday's name when `date` (`YYYY-MM-DD`) is a legal holiday or its observed day, else undefined. */
export function legalHoliday(date: string): string | undefined {
  const year = Number(date.slice(0, 4));
  let dates = byYear.get(year);
  if (!dates) {
    dates = new Map();
    // The previous and next year too: New Year's Day on a Saturday is observed on 31 December.
    for (const y of [year - 1, year, year + 1])
      for (const rule of LEGAL_HOLIDAYS) for (const d of datesOf(rule, y)) dates.set(d, rule.name);
    byYear.set(year, dates);
  }
  return dates.get(date);
}
