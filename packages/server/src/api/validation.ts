import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { type FieldError, HttpError } from '../errors.js';
import { unstorableFields } from './storable.js';

const PART_NAMES: Record<string, string> = {
  body: 'request body',
  querystring: 'query string',
  params: 'path',
  headers: 'headers',
};

/** zod issues → `[{path, message}]` with dotted paths, as every 400 renders them. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** A 400 for a request that parsed but broke the schema. */
export function validationError(part: string, issues: readonly z.core.$ZodIssue[]): HttpError {
  const errors = fieldErrors(issues);
  const first = errors[0];
  const where = PART_NAMES[part] ?? part;
  const detail =
    errors.length === 1 && first
      ? `Invalid ${where}: ${first.path ? `${first.path}: ` : ''}${first.message}.`
      : `Invalid ${where}: ${errors.length} problems, listed in 'errors'.`;
  return new HttpError(400, 'validation_error', detail, { errors });
}

/** Fastify validator compiler for zod schemas that yields our own 400s. */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    if (httpPart === 'body' && (data === undefined || data === null)) {
      return {
        error: new HttpError(
          400,
          'missing_body',
          'This request needs a JSON body, sent with Content-Type: application/json.',
        ),
      };
    }
    const unstorable = unstorableFields(data);
    if (unstorable.length) {
      return {
        error: new HttpError(
          400,
          'validation_error',
          `Invalid ${PART_NAMES[httpPart ?? 'body'] ?? httpPart}: ${unstorable[0]?.path || '(value)'}: ${unstorable[0]?.message}.`,
          { errors: unstorable },
        ),
      };
    }
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    return { error: validationError(httpPart ?? 'body', result.error.issues) };
  };
