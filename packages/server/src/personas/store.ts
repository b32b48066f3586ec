import type { Kysely } from 'kysely';
import { isoText, toIso } from '../db/iso-time.js';
import type { DB, PersonaRow } from '../db/schema.js';
import { softDelete } from '../db/soft-delete.js';
import { newId } from '../ids.js';
import type { PersonaInput } from './schema.js';

/** Personas in the database: every query scoped by tenant; deleted ones keep their row, gone from the API. */

export type Persona = { id: string; object: 'persona' } & PersonaInput & { created_at: string; updated_at: string };

type PersonaView = Omit<PersonaRow, 'tenant_id' | 'deleted_at' | 'created_at' | 'updated_at'> & {
  created_at: Date | string;
  updated_at: Date | string;
};

export function renderPersona(row: PersonaView): Persona {
  return {
    id: row.id,
    object: 'persona',
    name: row.name,
    caller_name: row.caller_name,
    company: row.company,
    role: row.role,
    voice: row.voice,
    language: row.language,
    default_rules: row.default_rules,
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
  };
}

function columns(p: PersonaInput) {
  return {
    name: p.name,
    caller_name: p.caller_name,
    company: p.company,
    role: p.role,
    voice: p.voice,
    language: p.language,
    default_rules: JSON.stringify(p.default_rules),
  };
}

export function storedInput(row: PersonaRow): PersonaInput {
  const { name, caller_name, company, role, voice, language, default_rules } = row;
  return { name, caller_name, company, role, voice, language, default_rules };
}

export async function insertPersona(db: Kysely<DB>, tenantId: string, p: PersonaInput): Promise<PersonaRow> {
  return db
    .insertInto('personas')
    .values({ id: newId('per'), tenant_id: tenantId, ...columns(p) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findPersona(
  db: Kysely<DB>,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<PersonaRow | undefined> {
  const q = db
    .selectFrom('personas')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null);
  return (options.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

export function personasQuery(db: Kysely<DB>, tenantId: string) {
  return db
    .selectFrom('personas')
    .select([
      'id',
      'name',
      'caller_name',
      'company',
      'role',
      'voice',
      'language',
      'default_rules',
      isoText('created_at').as('created_at'),
      isoText('updated_at').as('updated_at'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('deleted_at', 'is', null);
}

export async function replacePersona(
  db: Kysely<DB>,
  tenantId: string,
  id: string,
  p: PersonaInput,
): Promise<PersonaRow | undefined> {
  return db
    .updateTable('personas')
    .set({ ...columns(p), updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export function deletePersona(db: Kysely<DB>, tenantId: string, id: string): Promise<boolean> {
  return softDelete(db, 'personas', { tenantId, id });
}
