import type { FastifyReply } from 'fastify';
import { z } from 'zod';

/** Shapes shared by many routes, registered once so the OpenAPI document refers to them. */

export const errorBody = z
  .object({
    detail: z.string().describe('What went wrong, for a person.'),
    code: z.string().describe('A stable snake_case code, for a program.'),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .loose()
  .meta({ id: 'Error' });

/** The error responses every authenticated route may give. */
export const commonErrors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  413: errorBody,
  429: errorBody,
} as const;

export const idParams = z.object({ id: z.string().min(1).max(100) });

export const deletedObject = (object: string) =>
  z.object({ id: z.string(), object: z.literal(object), deleted: z.literal(true) });

/** `true`/`false` in a query string. */
export const queryBool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const BEARER = [{ bearerAuth: [] }];

/**
 * Sends JSON text made by the route itself (e.g. an agent's stored view spliced into a page),
 * as is: Fastify serialises no string sent with a JSON content type. The text must match the
 * route's response schema; the route's tests hold it to what the schema describes.
 */
export function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json as never);
}
