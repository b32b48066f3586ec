import { type SelectQueryBuilder, sql } from 'kysely';
import { z } from 'zod';
import { HttpError } from '../errors.js';

/**
 * Keyset pagination over time-sortable ids, newest first. The cursor is the last id returned,
 * wrapped so clients treat it as opaque. Resuming is one index seek (`id < cursor`), and rows
 * inserted meanwhile have larger ids, so a page walk never skips or repeats a row that existed
 * when it began.
 */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});
export type PageQuery = z.output<typeof pageQuery>;

export interface Page<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

const CURSOR_VERSION = 'c1:';
const CURSOR_ID = /^[\x21-\x7e]{1,200}$/;

export function encodeCursor(id: string): string {
  return Buffer.from(CURSOR_VERSION + id).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Ids are printable ASCII; anything else (a NUL above all, which PostgreSQL refuses in a
  // query parameter) did not come from us.
  if (!text.startsWith(CURSOR_VERSION) || !CURSOR_ID.test(text.slice(CURSOR_VERSION.length))) {
    throw new HttpError(400, 'invalid_cursor', 'The cursor is not one this API returned; start again without it.', {
      errors: [{ path: 'cursor', message: 'not a cursor from this list' }],
    });
  }
  return text.slice(CURSOR_VERSION.length);
}

/**
 * Fetches up to `limit` rows newest first, only those with an id below `beforeId` when it is set.
 * Lists that run a prepared `QueryTemplate` rather than a query builder page through one of these.
 */
export type PageFetch<Row> = (window: { beforeId: string | undefined; limit: number }) => Promise<Row[]>;

/** Runs `query` for one page. `idColumn` is the (qualified) id column the list is ordered by. */
export async function paginate<DB, TB extends keyof DB, Row extends { id: string }, Out>(
  query: SelectQueryBuilder<DB, TB, Row>,
  page: PageQuery,
  render: (row: Row) => Out,
  idColumn = 'id',
): Promise<Page<Out>> {
  const fetch: PageFetch<Row> = ({ beforeId, limit }) => {
    const q = beforeId === undefined ? query : query.where(sql.ref(idColumn), '<', beforeId);
    return q.orderBy(sql.ref(idColumn), 'desc').limit(limit).execute();
  };
  const { rows, hasMore, nextCursor } = await fetchPage(fetch, page);
  return { object: 'list', data: rows.map(render), has_more: hasMore, next_cursor: nextCursor };
}

/**
 * A page whose items are rendered straight to JSON text: answers the page as the JSON text of a
 * `Page` (send it with a JSON content type; it is not serialised again).
 */
export async function paginateJson<Row extends { id: string }>(
  fetch: PageFetch<Row>,
  page: PageQuery,
  renderJson: (row: Row) => string,
): Promise<string> {
  const { rows, hasMore, nextCursor } = await fetchPage(fetch, page);
  let data = '';
  for (const row of rows) data += (data ? ',' : '') + renderJson(row);
  return `{"object":"list","data":[${data}],"has_more":${hasMore},"next_cursor":${JSON.stringify(nextCursor)}}`;
}

async function fetchPage<Row extends { id: string }>(
  fetch: PageFetch<Row>,
  page: PageQuery,
): Promise<{ rows: Row[]; hasMore: boolean; nextCursor: string | null }> {
  const beforeId = page.cursor ? decodeCursor(page.cursor) : undefined;
  // One row more than asked says whether another page follows.
  const rows = await fetch({ beforeId, limit: page.limit + 1 });
  const hasMore = rows.length > page.limit;
  if (hasMore) rows.pop();
  const last = rows[rows.length - 1];
  return { rows, hasMore, nextCursor: hasMore && last ? encodeCursor(last.id) : null };
}

/** The OpenAPI/zod shape of a list of `item`. */
export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({
    object: z.literal('list'),
    data: z.array(item),
    has_more: z.boolean(),
    next_cursor: z.string().nullable(),
  });
}
