import { describe, expect, it } from 'vitest';
import { locateCallee } from './callee-location.js';
import { nextOpenInstant, type WindowSpec, zoneStatuses } from './calling-window.js';
import { FEDERAL_WINDOW, STATE_RULES } from './data/state-windows.js';
import { minutesOf, zonedInstant } from './local-time.js';

/** A number in each state of the table, with one zone. */
const STATE_NUMBERS: Record<string, string> = {
  FL: '+13055550100',
  OK: '+14055550100',
  MD: '+14105550100',
  WA: '+12065550100',
  AL: '+12055550100',
  LA: '+15045550100',
  MS: '+16015550100',
  MA: '+16175550100',
  TX: '+12145550100',
  CT: '+12035550100',
  KY: '+15025550100',
  MI: '+13135550100',
  MN: '+16125550100',
  NM: '+15055550100',
  NV: '+17025550100',
  IL: '+13125550100',
  PA: '+12155550100',
  RI: '+14015550100',
  ME: '+12075550100',
  NE: '+14025550100',
};

/** A Wednesday without a holiday. */
const WEEKDAY = '2026-06-10';

function callee(e164: string): { spec: WindowSpec; zones: string[] } {
  const where = locateCallee(e164);
  return { spec: { state: where.state }, zones: where.zones };
}

/** Open at `time` local on `date`, in every zone of the number. */
function openAt(e164: string, date: string, time: string): boolean {
  const { spec, zones } = callee(e164);
  const ms = zonedInstant(zones[0] as string, date, minutesOf(time));
  return zoneStatuses(spec, zones, ms).every((z) => z.open);
}

const minus1 = (time: string) => {
  const m = minutesOf(time) - 1;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

describe('state calling windows, driven by the state table', () => {
  it('has a sample number for every state in the table, located in that state and one zone', () => {
    expect(Object.keys(STATE_NUMBERS).sort()).toEqual(Object.keys(STATE_RULES).sort());
    for (const [state, e164] of Object.entries(STATE_NUMBERS)) {
      const where = locateCallee(e164);
      expect(where.state, e164).toBe(state);
      expect(where.zones, e164).toHaveLength(1);
    }
  });

  it.each(Object.entries(STATE_RULES))(
    '%s on a weekday: open from its first minute to its last, closed outside',
    (state, rules) => {
      const e164 = STATE_NUMBERS[state] as string;
      // The effective window: the state's, never wider than the federal one.
      const start =
        rules.window && rules.window.start > FEDERAL_WINDOW.start ? rules.window.start : FEDERAL_WINDOW.start;
      const end = rules.window && rules.window.end < FEDERAL_WINDOW.end ? rules.window.end : FEDERAL_WINDOW.end;
      expect(openAt(e164, WEEKDAY, minus1(start))).toBe(false);
      expect(openAt(e164, WEEKDAY, start)).toBe(true);
      expect(openAt(e164, WEEKDAY, minus1(end))).toBe(true);
      expect(openAt(e164, WEEKDAY, end)).toBe(false);
    },
  );

  it('keeps the federal 08:00–21:00 window where no state rule applies (New York)', () => {
    expect(openAt('+12125550100', WEEKDAY, '07:59')).toBe(false);
    expect(openAt('+12125550100', WEEKDAY, '08:00')).toBe(true);
    expect(openAt('+12125550100', WEEKDAY, '20:59')).toBe(true);
    expect(openAt('+12125550100', WEEKDAY, '21:00')).toBe(false);
  });

  it('closes AL, LA and MS on Sundays, and opens TX at 12:00 and NE at 13:00 on Sundays', () => {
    const sunday = '2026-06-14';
    for (const s of ['AL', 'LA', 'MS']) expect(openAt(STATE_NUMBERS[s] as string, sunday, '12:00'), s).toBe(false);
    expect(openAt(STATE_NUMBERS.TX as string, sunday, '11:59')).toBe(false);
    expect(openAt(STATE_NUMBERS.TX as string, sunday, '12:00')).toBe(true);
    expect(openAt(STATE_NUMBERS.NE as string, sunday, '12:59')).toBe(false);
    expect(openAt(STATE_NUMBERS.NE as string, sunday, '13:00')).toBe(true);
    expect(openAt(STATE_NUMBERS.NE as string, WEEKDAY, '08:00')).toBe(true);
  });

  it('closes RI on weekends', () => {
    expect(openAt(STATE_NUMBERS.RI as string, '2026-06-13', '12:00')).toBe(false);
    expect(openAt(STATE_NUMBERS.RI as string, '2026-06-14', '12:00')).toBe(false);
  });

  it('closes AL, LA and PA on legal holidays, the observed day included, and narrows NE', () => {
    const thanksgiving = '2026-11-26';
    for (const s of ['AL', 'LA', 'PA'])
      expect(openAt(STATE_NUMBERS[s] as string, thanksgiving, '12:00'), s).toBe(false);
    expect(openAt(STATE_NUMBERS.FL as string, thanksgiving, '12:00')).toBe(true);
    // Independence Day 2026 is a Saturday, observed on Friday 3 July.
    expect(openAt(STATE_NUMBERS.PA as string, '2026-07-03', '12:00')).toBe(false);
    expect(openAt(STATE_NUMBERS.PA as string, '2026-07-02', '12:00')).toBe(true);
    expect(openAt(STATE_NUMBERS.NE as string, thanksgiving, '12:00')).toBe(false);
    expect(openAt(STATE_NUMBERS.NE as string, thanksgiving, '13:00')).toBe(true);
  });
});

describe('multi-zone area codes', () => {
  const boiseOrPacific = '+12085551234';

  it('is open only when the window is open in every zone (208: Boise and Los Angeles)', () => {
    const { spec, zones } = callee(boiseOrPacific);
    // 15:30Z on a winter Wednesday: 08:30 in Boise (MST), 07:30 in Los Angeles (PST).
    const ms = Date.parse('2026-12-09T15:30:00Z');
    const statuses = zoneStatuses(spec, zones, ms);
    expect(statuses.map((s) => [s.zone, s.open])).toEqual([
      ['America/Boise', true],
      ['America/Los_Angeles', false],
    ]);
    // It opens when Los Angeles reaches 08:00.
    expect(new Date(nextOpenInstant(spec, zones, ms) as number).toISOString()).toBe('2026-12-09T16:00:00.000Z');
  });

  it('closes at the earlier zone’s 21:00 (Boise), an hour before Los Angeles', () => {
    const { spec, zones } = callee(boiseOrPacific);
    // 04:00Z Thursday = 21:00 Wednesday in Boise, 20:00 in Los Angeles.
    const ms = Date.parse('2026-12-10T04:00:00Z');
    expect(zoneStatuses(spec, zones, ms).every((s) => s.open)).toBe(false);
    // Next: 08:00 Los Angeles (16:00Z), the later of the two morning openings.
    expect(new Date(nextOpenInstant(spec, zones, ms) as number).toISOString()).toBe('2026-12-10T16:00:00.000Z');
  });
});

describe('daylight-saving changes (IANA zones, no hand-written offsets)', () => {
  const newYork = callee('+12125550100');

  it('opens at 08:00 EDT (12:00Z) on the day clocks go forward, 8 March 2026', () => {
    const at = (iso: string) => zoneStatuses(newYork.spec, newYork.zones, Date.parse(iso))[0];
    expect(at('2026-03-08T11:59:00Z')?.open).toBe(false);
    expect(at('2026-03-08T12:00:00Z')?.open).toBe(true);
    // The evening before was still EST: 21:00 EST is 02:00Z.
    expect(
      new Date(
        nextOpenInstant(newYork.spec, newYork.zones, Date.parse('2026-03-08T02:30:00Z')) as number,
      ).toISOString(),
    ).toBe('2026-03-08T12:00:00.000Z');
  });

  it('opens at 08:00 EST (13:00Z) on the day clocks go back, 1 November 2026', () => {
    const at = (iso: string) => zoneStatuses(newYork.spec, newYork.zones, Date.parse(iso))[0];
    expect(at('2026-11-01T12:30:00Z')?.open).toBe(false);
    expect(at('2026-11-01T13:00:00Z')?.open).toBe(true);
    // Saturday 21:30 EDT (01:30Z Sunday): the next opening is 08:00 EST, 13:00Z.
    expect(
      new Date(
        nextOpenInstant(newYork.spec, newYork.zones, Date.parse('2026-11-01T01:30:00Z')) as number,
      ).toISOString(),
    ).toBe('2026-11-01T13:00:00.000Z');
  });

  it('closes at 21:00 local on both sides of the change', () => {
    const at = (iso: string) => zoneStatuses(newYork.spec, newYork.zones, Date.parse(iso))[0]?.open;
    expect(at('2026-03-09T00:59:00Z')).toBe(true); // 20:59 EDT
    expect(at('2026-03-09T01:00:00Z')).toBe(false); // 21:00 EDT
    expect(at('2026-11-02T01:59:00Z')).toBe(true); // 20:59 EST
    expect(at('2026-11-02T02:00:00Z')).toBe(false); // 21:00 EST
  });
});

describe('the agent’s and campaign’s own windows', () => {
  it('narrow the window and skip the days they exclude', () => {
    const { zones } = callee('+12125550100');
    const spec: WindowSpec = {
      state: 'NY',
      agentHours: { start: '10:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
      campaignHours: { start: '09:00', end: '16:00', days: ['wed'] },
    };
    const ny = (date: string, time: string) => zonedInstant('America/New_York', date, minutesOf(time));
    expect(zoneStatuses(spec, zones, ny(WEEKDAY, '09:59'))[0]?.open).toBe(false);
    expect(zoneStatuses(spec, zones, ny(WEEKDAY, '10:00'))[0]?.open).toBe(true);
    expect(zoneStatuses(spec, zones, ny(WEEKDAY, '16:00'))[0]?.open).toBe(false);
    // After Wednesday's window, the campaign's next day is the following Wednesday.
    expect(nextOpenInstant(spec, zones, ny(WEEKDAY, '16:00'))).toBe(ny('2026-06-17', '10:00'));
  });

  it('finds no opening when the windows never overlap', () => {
    const { zones } = callee('+14015550100'); // RI: weekdays only
    const spec: WindowSpec = { state: 'RI', agentHours: { start: '10:00', end: '12:00', days: ['sat', 'sun'] } };
    expect(nextOpenInstant(spec, zones, Date.parse('2026-06-10T12:00:00Z'))).toBeUndefined();
  });
});
