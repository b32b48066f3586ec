import type { Kysely } from 'kysely';
import { isoText, toIso } from '../db/iso-time.js';
import type { AgentRow, DB } from '../db/schema.js';
import { newId } from '../ids.js';
import { type AgentConfig, MASK } from './schema.js';

/**
 * Agents in the database. Every query is scoped by tenant: another tenant's agent does not
 * exist here. Deleted agents keep their row (calls refer to them) but are gone from the API.
 */

/** The API's view of an agent. */
export type Agent = { id: string; object: 'agent' } & AgentConfig & { created_at: string; updated_at: string };

/** The columns an agent is rendered from; timestamps may come as ISO text (lists) or Dates. */
type AgentView = Pick<AgentRow, 'id' | 'name' | 'is_active' | 'config'> & {
  created_at: Date | string;
  updated_at: Date | string;
};

export function renderAgent(row: AgentView): Agent {
  const config = row.config as unknown as Omit<AgentConfig, 'name' | 'is_active'>;
  return {
    id: row.id,
    object: 'agent',
    name: row.name,
    // jsonb stores keys sorted; answer them in the documented order instead.
    pipeline: config.pipeline,
    stt: config.stt,
    llm: config.llm,
    tts: config.tts,
    realtime: config.realtime,
    system_prompt: config.system_prompt,
    first_message: config.first_message,
    voicemail: config.voicemail,
    max_duration_sec: config.max_duration_sec,
    silence_timeout_sec: config.silence_timeout_sec,
    interruptions: config.interruptions,
    calling_hours: config.calling_hours,
    extraction_schema: config.extraction_schema,
    webhook_url: config.webhook_url,
    language: config.language,
    is_active: row.is_active,
    tools: config.tools.map((t) =>
      t.type === 'http' ? { ...t, headers: Object.fromEntries(Object.keys(t.headers).map((h) => [h, MASK])) } : t,
    ),
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
  };
}

function configColumn(agent: AgentConfig): string {
  const { name: _name, is_active: _active, ...rest } = agent;
  return JSON.stringify(rest);
}

/** The stored agent as a complete config (secrets unmasked), for merging a PATCH. */
export function storedConfig(row: AgentView): AgentConfig {
  return { ...(row.config as unknown as AgentConfig), name: row.name, is_active: row.is_active };
}

export async function insertAgent(db: Kysely<DB>, tenantId: string, agent: AgentConfig): Promise<AgentRow> {
  return db
    .insertInto('agents')
    .values({
      id: newId('agt'),
      tenant_id: tenantId,
      name: agent.name,
      is_active: agent.is_active,
      config: configColumn(agent),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The tenant's agent, or undefined. `forUpdate` locks the row until the transaction ends (PATCH). */
export async function findAgent(
  db: Kysely<DB>,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<AgentRow | undefined> {
  const q = db
    .selectFrom('agents')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null);
  return (options.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

/** The tenant's live agents as a query, for the caller to page through. */
export function agentsQuery(db: Kysely<DB>, tenantId: string, filter: { is_active?: boolean | undefined }) {
  let q = db
    .selectFrom('agents')
    .select([
      'id',
      'name',
      'is_active',
      'config',
      isoText('created_at').as('created_at'),
      isoText('updated_at').as('updated_at'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('deleted_at', 'is', null);
  if (filter.is_active !== undefined) q = q.where('is_active', '=', filter.is_active);
  return q;
}

/** Writes a whole validated agent over the stored one; undefined when it is gone. */
export async function replaceAgent(
  db: Kysely<DB>,
  tenantId: string,
  id: string,
  agent: AgentConfig,
): Promise<AgentRow | undefined> {
  return db
    .updateTable('agents')
    .set({ name: agent.name, is_active: agent.is_active, config: configColumn(agent), updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteAgent(db: Kysely<DB>, tenantId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable('agents')
    .set({ deleted_at: new Date(), is_active: false })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * A PATCH: top-level fields replace the stored ones (nested objects are replaced whole, as in
 * Stripe's API), except HTTP tool headers sent back as `****`, which keep their stored value.
 */
export function mergeAgentPatch(stored: AgentConfig, patch: Partial<AgentConfig>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...stored, ...patch };
  if (patch.tools) {
    merged.tools = patch.tools.map((tool) => {
      if (tool.type !== 'http') return tool;
      const before = stored.tools.find((t) => t.type === 'http' && t.name === tool.name);
      const headers = Object.fromEntries(
        Object.entries(tool.headers ?? {}).map(([h, v]) => [
          h,
          v === MASK && before?.type === 'http' && before.headers[h] !== undefined ? before.headers[h] : v,
        ]),
      );
      return { ...tool, headers };
    });
  }
  return merged;
}
