import type { FieldError } from '../errors.js';

/**
 * Input the database cannot hold, found before any handler runs, so it is a 400 and never a
 * failed INSERT (500): PostgreSQL refuses NUL in text and jsonb and UTF-16 surrogates without
 * their other half; nesting deeper than this would also make JSON.stringify and the idempotency
 * hash recurse without bound. The walk visits each value once and allocates only on failure.
 */
export const MAX_JSON_DEPTH = 64;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_TEXT = 'NUL characters or unpaired UTF-16 surrogates';
const MAX_REPORTED = 20;

const unstorable = (s: string) => s.includes('\0') || LONE_SURROGATE.test(s);

/** Every place in `value` that cannot be stored, with a dotted path (at most 20). */
export function unstorableFields(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  walk(value, [], errors);
  return errors;
}

function walk(value: unknown, path: (string | number)[], errors: FieldError[]): void {
  if (errors.length >= MAX_REPORTED) return;
  if (typeof value === 'string') {
    if (unstorable(value)) errors.push({ path: path.join('.'), message: `must not contain ${UNSTORABLE_TEXT}` });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (path.length >= MAX_JSON_DEPTH) {
    errors.push({ path: path.join('.'), message: `nested deeper than ${MAX_JSON_DEPTH} levels` });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walk(value[i], [...path, i], errors);
    return;
  }
  for (const key in value as Record<string, unknown>) {
    if (unstorable(key))
      errors.push({ path: [...path, key].join('.'), message: `keys must not contain ${UNSTORABLE_TEXT}` });
    walk((value as Record<string, unknown>)[key], [...path, key], errors);
  }
}
