import { describe, expect, it } from 'vitest';
import { mapColumns, normaliseHeader } from './csv-columns.js';

describe('CSV header mapping', () => {
  it('compares header names without case, spaces, dashes or dots', () => {
    expect(normaliseHeader(' Phone Number ')).toBe('phone_number');
    expect(normaliseHeader('E-mail')).toBe('e_mail');
    expect(normaliseHeader('First.Name')).toBe('first_name');
  });

  it('finds each contact field by its aliases and puts every other column in custom fields', () => {
    const map = mapColumns(['Mobile', 'First Name', 'Surname', 'Email Address', 'Organisation', 'TZ', 'Plan', 'Plan']);
    expect(map).toEqual({
      fields: { phone: 0, first_name: 1, last_name: 2, email: 3, company: 4, timezone: 5 },
      custom: [
        { index: 6, key: 'plan' },
        { index: 7, key: 'plan_2' },
      ],
      width: 8,
    });
  });

  it('takes the first phone alias in priority order; another phone-like column becomes a custom field', () => {
    const map = mapColumns(['mobile', 'phone']);
    expect(map?.fields.phone).toBe(1);
    expect(map?.custom).toEqual([{ index: 0, key: 'mobile' }]);
  });

  it('names a custom column without a header by its position', () => {
    expect(mapColumns(['phone', ''])?.custom).toEqual([{ index: 1, key: 'column_2' }]);
  });

  it('answers undefined when no column is a phone', () => {
    expect(mapColumns(['name', 'email'])).toBeUndefined();
  });
});
