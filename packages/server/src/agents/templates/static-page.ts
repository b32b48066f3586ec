import { decodeCursor, encodeCursor, type Page, type PageQuery } from '../../api/pagination.js';
import { HttpError } from '../../errors.js';

/**
 * The list envelope and cursor of `api/pagination.ts` over a list held in code (templates,
 * built-in playbooks), in the list's own order. The cursor is the last id returned, encoded as
 * the database lists encode it; resuming finds that id (the lists hold a few dozen items), so the
 * same cursor works in every process and after a restart. A cursor naming an id that is not in
 * the list (from another list, or removed in a later release) is a 400, as a foreign cursor is
 * for a database list.
 */
export function paginateStatic<T extends { id: string }, Out>(
  items: readonly T[],
  page: PageQuery,
  render: (item: T) => Out,
): Page<Out> {
  let start = 0;
  if (page.cursor) {
    const after = decodeCursor(page.cursor);
    const at = items.findIndex((item) => item.id === after);
    if (at < 0) throw unknownCursor();
    start = at + 1;
  }
  const slice = items.slice(start, start + page.limit);
  const hasMore = start + page.limit < items.length;
  const last = slice[slice.length - 1];
  return {
    object: 'list',
    data: slice.map(render),
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeCursor(last.id) : null,
  };
}

function unknownCursor(): HttpError {
  return new HttpError(400, 'invalid_cursor', 'The cursor is not one this list returned; start again without it.', {
    errors: [{ path: 'cursor', message: 'not a cursor from this list' }],
  });
}
