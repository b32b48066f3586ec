import { describe, expect, it } from 'vitest';
import { bucketName, LIVE_DEFAULT_LIMITS, resolveLimit, TEST_MODE_MULTIPLIER } from './limits.js';

describe('resolveLimit', () => {
  it('uses the built-in live defaults from api.md when nothing is set', () => {
    expect(LIVE_DEFAULT_LIMITS).toEqual({ default: 60, dial: 10, bulk: 10, 'campaign-dispatch': 120 });
    for (const cls of ['default', 'dial', 'bulk', 'campaign-dispatch'] as const) {
      expect(resolveLimit({ mode: 'live', cls, operator: {}, tenant: {} })).toBe(LIVE_DEFAULT_LIMITS[cls]);
    }
  });

  it("prefers the operator's default to the built-in one, class by class", () => {
    const operator = { default: 600, dial: 60 };
    expect(resolveLimit({ mode: 'live', cls: 'dial', operator, tenant: {} })).toBe(60);
    expect(resolveLimit({ mode: 'live', cls: 'bulk', operator, tenant: {} })).toBe(10);
  });

  it("prefers the tenant's override to the operator's default", () => {
    const operator = { default: 600, dial: 60 };
    const tenant = { dial: 20 };
    expect(resolveLimit({ mode: 'live', cls: 'dial', operator, tenant })).toBe(20);
    expect(resolveLimit({ mode: 'live', cls: 'default', operator, tenant })).toBe(600);
  });

  it('multiplies every source by 100 in test mode', () => {
    expect(TEST_MODE_MULTIPLIER).toBe(100);
    expect(resolveLimit({ mode: 'test', cls: 'dial', operator: {}, tenant: {} })).toBe(1_000);
    expect(resolveLimit({ mode: 'test', cls: 'dial', operator: { dial: 60 }, tenant: {} })).toBe(6_000);
    expect(resolveLimit({ mode: 'test', cls: 'dial', operator: { dial: 60 }, tenant: { dial: 20 } })).toBe(2_000);
  });
});

describe('bucketName', () => {
  it('keeps tenants, modes and classes in separate buckets', () => {
    expect(bucketName('ten_01', 'live', 'campaign-dispatch')).toBe('ten_01:live:campaign-dispatch');
    expect(bucketName('ten_01', 'test', 'dial')).not.toBe(bucketName('ten_01', 'live', 'dial'));
  });
});
