import { z } from 'zod';
import { HttpError } from '../../errors.js';
import type { StreamFilter } from '../../events/bus.js';
import { ALL_EVENT_TYPES } from '../../events/types.js';
import { isId } from '../../ids.js';

const knownTypes: ReadonlySet<string> = new Set(ALL_EVENT_TYPES);
const idFilter = z.string().min(1).max(100);

/** The stream routes' query string (both SSE and WebSocket). */
export const streamQuery = z.object({
  call_id: idFilter.optional(),
  campaign_id: idFilter.optional(),
  batch_id: idFilter.optional(),
  types: z
    .string()
    .max(2000)
    .optional()
    .describe('Comma-separated event types (webhook and live-only types); all when absent.'),
  token: z.string().max(200).optional().describe('The API key, for clients that cannot send an Authorization header.'),
  last_event_id: z.string().max(100).optional().describe('Resume after this event (as the Last-Event-ID header does).'),
});
export type StreamQuery = z.output<typeof streamQuery>;

/** The filter of a stream; 400 naming `types` for an unknown type. */
export function streamFilter(q: StreamQuery, scope: { tenantId: string; livemode: boolean }): StreamFilter {
  let types: Set<string> | undefined;
  if (q.types) {
    types = new Set(
      q.types
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    );
    if (types.size === 0) types = undefined;
    const unknown = [...(types ?? [])].filter((t) => !knownTypes.has(t));
    if (unknown.length) {
      throw new HttpError(400, 'validation_error', `Invalid query string: types: unknown event type '${unknown[0]}'.`, {
        errors: [{ path: 'types', message: `unknown event type(s): ${unknown.join(', ')}` }],
      });
    }
  }
  return { ...scope, callId: q.call_id, campaignId: q.campaign_id, batchId: q.batch_id, types };
}

/** The event to resume after (header, or query for clients that cannot set one); 400 if it is not an event id. */
export function resumeAfter(header: string | string[] | undefined, query: string | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header) ?? query;
  if (value === undefined || value === '') return undefined;
  if (!isId('evt', value)) {
    throw new HttpError(
      400,
      'invalid_last_event_id',
      `Last-Event-ID '${value.slice(0, 100)}' is not an event id (evt_…).`,
      {
        errors: [{ path: 'last_event_id', message: 'not an event id' }],
      },
    );
  }
  return value;
}
