import { describe, expect, it } from 'vitest';
import { normalisePhone, tenantRegion } from './phone.js';

describe('normalisePhone: E.164 or national form with the default region', () => {
  it.each([
    ['+14155550123', 'US', '+14155550123', 'US'],
    ['(415) 555-0123', 'US', '+14155550123', 'US'],
    ['415.555.0123', 'US', '+14155550123', 'US'],
    ['1 415 555 0123', 'US', '+14155550123', 'US'],
    ['011 44 20 7183 8750', 'US', '+442071838750', 'GB'],
    ['020 7183 8750', 'GB', '+442071838750', 'GB'],
    ['+1 415 555 0123', 'GB', '+14155550123', 'US'],
    ['06 12 34 56 78', 'fr', '+33612345678', 'FR'],
    ['+800 1234 5678', 'US', '+80012345678', 'ZZ'],
  ])('%s in %s → %s (%s)', (input, region, e164, country) => {
    expect(normalisePhone(input, region)).toEqual({ ok: true, e164, country });
  });

  it.each([
    ['', 'US', 'phone number is empty'],
    ['hello', 'US', "'hello' is not a phone number"],
    ['+1 999 999 9999', 'US', "'+1 999 999 9999' is not a valid phone number"],
    ['555-0102', 'US', "'555-0102' is not a valid phone number for US"],
    ['4155550123', 'ZZ', 'no valid default region'],
    ['1'.repeat(65), 'US', 'longer than 64 characters'],
  ])('refuses %j in %s with a reason', (input, region, reason) => {
    const result = normalisePhone(input, region);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it("reads the tenant's default_region, US when unset", () => {
    expect(tenantRegion({ default_region: 'GB' })).toBe('GB');
    expect(tenantRegion({})).toBe('US');
    expect(tenantRegion(null)).toBe('US');
  });
});
