import type { Kysely } from 'kysely';
import { isoText, toIso } from '../db/iso-time.js';
import type { DB, PlaybookRow } from '../db/schema.js';
import { softDelete } from '../db/soft-delete.js';
import { newId } from '../ids.js';
import { findBuiltin } from './builtin.js';
import type { PlaybookInput } from './schema.js';
import { type BuiltinPlaybook, CONTENT_FIELDS, type ContentField, type PlaybookContent } from './types.js';

/**
 * Custom playbooks in the database, scoped by tenant, soft-deleted like agents; and the one
 * rendering shared with the built-ins, so both read the same.
 */

/** The API's view of a playbook, built-in or custom. */
export type Playbook = {
  id: string;
  object: 'playbook';
  name: string;
  description: string | null;
  base: string | null;
  builtin: boolean;
} & PlaybookContent & {
    /** The content fields read from `base` because this playbook leaves them null. */
    inherited: ContentField[];
    /** Null for built-ins, which are code. */
    created_at: string | null;
    updated_at: string | null;
  };

type PlaybookView = Omit<PlaybookRow, 'tenant_id' | 'deleted_at' | 'created_at' | 'updated_at'> & {
  created_at: Date | string;
  updated_at: Date | string;
};

const EMPTY: PlaybookContent = {
  strategy: '',
  behavior_rules: [],
  extraction_schema: null,
  success_criteria: [],
  voice_tone: null,
};

export function renderBuiltin(p: BuiltinPlaybook): Playbook {
  return {
    id: p.id,
    object: 'playbook',
    name: p.name,
    description: p.description,
    base: null,
    builtin: true,
    strategy: p.strategy,
    behavior_rules: p.behavior_rules,
    extraction_schema: p.extraction_schema,
    success_criteria: p.success_criteria,
    voice_tone: p.voice_tone,
    inherited: [],
    created_at: null,
    updated_at: null,
  };
}

/** A stored playbook with its null fields read from its base (or the empty defaults). */
export function renderPlaybook(row: PlaybookView): Playbook {
  const base = row.base ? findBuiltin(row.base) : undefined;
  const inherited: ContentField[] = [];
  const content = { ...EMPTY } as Record<ContentField, unknown>;
  for (const field of CONTENT_FIELDS) {
    const own = row[field];
    if (own !== null) content[field] = own;
    else if (base) {
      content[field] = base[field];
      inherited.push(field);
    }
  }
  return {
    id: row.id,
    object: 'playbook',
    name: row.name,
    description: row.description,
    base: row.base,
    builtin: false,
    ...(content as unknown as PlaybookContent),
    inherited,
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
  };
}

const jsonOrNull = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

function columns(p: PlaybookInput) {
  return {
    name: p.name,
    description: p.description,
    base: p.base,
    strategy: p.strategy,
    behavior_rules: jsonOrNull(p.behavior_rules),
    extraction_schema: jsonOrNull(p.extraction_schema),
    success_criteria: jsonOrNull(p.success_criteria),
    voice_tone: p.voice_tone,
  };
}

/** The stored fields as a complete input, for merging a PATCH. */
export function storedInput(row: PlaybookRow): PlaybookInput {
  return {
    name: row.name,
    description: row.description,
    base: row.base,
    strategy: row.strategy,
    behavior_rules: row.behavior_rules,
    extraction_schema: row.extraction_schema,
    success_criteria: row.success_criteria,
    voice_tone: row.voice_tone,
  };
}

export async function insertPlaybook(db: Kysely<DB>, tenantId: string, p: PlaybookInput): Promise<PlaybookRow> {
  return db
    .insertInto('playbooks')
    .values({ id: newId('pbk'), tenant_id: tenantId, ...columns(p) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findPlaybook(
  db: Kysely<DB>,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<PlaybookRow | undefined> {
  const q = db
    .selectFrom('playbooks')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null);
  return (options.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

/** The tenant's live custom playbooks as a query, for the caller to page through. */
export function playbooksQuery(db: Kysely<DB>, tenantId: string) {
  return db
    .selectFrom('playbooks')
    .select([
      'id',
      'name',
      'description',
      'base',
      'strategy',
      'behavior_rules',
      'extraction_schema',
      'success_criteria',
      'voice_tone',
      isoText('created_at').as('created_at'),
      isoText('updated_at').as('updated_at'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('deleted_at', 'is', null);
}

export async function replacePlaybook(
  db: Kysely<DB>,
  tenantId: string,
  id: string,
  p: PlaybookInput,
): Promise<PlaybookRow | undefined> {
  return db
    .updateTable('playbooks')
    .set({ ...columns(p), updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export function deletePlaybook(db: Kysely<DB>, tenantId: string, id: string): Promise<boolean> {
  return softDelete(db, 'playbooks', { tenantId, id });
}
