import { type Kysely, sql } from 'kysely';
import { isoText, toIso } from '../db/iso-time.js';
import { QueryTemplate } from '../db/query-template.js';
import type { AgentRow, DB } from '../db/schema.js';
import { softDelete } from '../db/soft-delete.js';
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

type AgentBody = Omit<Agent, 'id' | 'object' | 'created_at' | 'updated_at'>;

/**
 * Which rendering the stored `view` text follows. Bump it whenever `agentBody` changes what it
 * outputs: rows written under another version are then rendered from `config` until rewritten.
 */
export const AGENT_VIEW_VERSION = 1;

/** Everything of the API view between `object` and `created_at`, in the documented order, secrets masked. */
function agentBody(name: string, isActive: boolean, config: Omit<AgentConfig, 'name' | 'is_active'>): AgentBody {
  return {
    name,
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
    is_active: isActive,
    tools: config.tools.map((t) =>
      t.type === 'http' ? { ...t, headers: Object.fromEntries(Object.keys(t.headers).map((h) => [h, MASK])) } : t,
    ),
  };
}

export function renderAgent(row: AgentView): Agent {
  const config = row.config as unknown as Omit<AgentConfig, 'name' | 'is_active'>;
  return {
    id: row.id,
    object: 'agent',
    ...agentBody(row.name, row.is_active, config),
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
  };
}

/** A row an agent's JSON is made from: a list row of `agentsQuery`, or a whole stored row. */
export interface AgentJsonRow {
  id: string;
  name: string;
  is_active: boolean;
  /** The stored view; used when present and of the current version. */
  view: string | null;
  /** Absent means current (the list query answers `view` only when it is current). */
  view_version?: number;
  /** Rendered from when the view is missing or stale. */
  config: AgentRow['config'] | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/**
 * The agent's API JSON. From the stored view it is a splice (no JSON parse or serialise), which
 * is what keeps a 20-agent page cheap; a row without a current view is rendered from its config.
 * Every response that carries an agent is made here, so a list item and a GET are the same bytes.
 */
export function agentJson(row: AgentJsonRow): string {
  if (row.view === null || (row.view_version ?? AGENT_VIEW_VERSION) !== AGENT_VIEW_VERSION) {
    return JSON.stringify(renderAgent({ ...row, config: row.config ?? ({} as AgentRow['config']) }));
  }
  // The view is a JSON object `{"name":…,"tools":[…]}`: its members go between `object` and the timestamps.
  return `{"id":${JSON.stringify(row.id)},"object":"agent",${row.view.slice(1, -1)},"created_at":"${toIso(row.created_at)}","updated_at":"${toIso(row.updated_at)}"}`;
}

/** What a write stores: the config without the columns of its own, and the rendered view. */
function storedColumns(agent: AgentConfig) {
  const { name, is_active, ...rest } = agent;
  return {
    name,
    is_active,
    config: JSON.stringify(rest),
    view: JSON.stringify(agentBody(name, is_active, rest)),
    view_version: AGENT_VIEW_VERSION,
  };
}

/** The stored agent as a complete config (secrets unmasked), for merging a PATCH. */
export function storedConfig(row: AgentView): AgentConfig {
  return { ...(row.config as unknown as AgentConfig), name: row.name, is_active: row.is_active };
}

export async function insertAgent(db: Kysely<DB>, tenantId: string, agent: AgentConfig): Promise<AgentRow> {
  return db
    .insertInto('agents')
    .values({ id: newId('agt'), tenant_id: tenantId, ...storedColumns(agent) })
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

interface AgentsPageArgs extends Record<string, unknown> {
  tenantId: string;
  isActive: boolean | undefined;
  beforeId: string | undefined;
  limit: number;
}

/**
 * A page of the tenant's live agents as `AgentJsonRow`s, newest first. Only one of `view` and
 * `config` comes back, so an up-to-date row costs no jsonb parse. The list is the API's hottest
 * read, so it runs as a template: built and compiled once per shape (filter on or off, first
 * page or not).
 */
const agentsPage = new QueryTemplate<DB, AgentsPageArgs, AgentJsonRow>({
  shapeOf: (a) => `${a.isActive === undefined ? '-' : 'active'}/${a.beforeId === undefined ? '-' : 'before'}`,
  build: (db, a, slot) => {
    const current = sql.lit(AGENT_VIEW_VERSION);
    let q = db
      .selectFrom('agents')
      .select([
        'id',
        'name',
        'is_active',
        sql<string | null>`CASE WHEN view_version = ${current} THEN view END`.as('view'),
        sql<AgentRow['config'] | null>`CASE WHEN view_version = ${current} THEN NULL ELSE config END`.as('config'),
        isoText('created_at').as('created_at'),
        isoText('updated_at').as('updated_at'),
      ])
      .where('tenant_id', '=', slot('tenantId'))
      .where('deleted_at', 'is', null);
    if (a.isActive !== undefined) q = q.where('is_active', '=', slot('isActive') as boolean);
    if (a.beforeId !== undefined) q = q.where('id', '<', slot('beforeId') as string);
    return q.orderBy('id', 'desc').limit(slot('limit'));
  },
});

/** The tenant's live agents, a window at a time (the shape `paginateJson` pages through). */
export function agentsPageFetch(
  db: Kysely<DB>,
  tenantId: string,
  filter: { is_active?: boolean | undefined },
): (window: { beforeId: string | undefined; limit: number }) => Promise<AgentJsonRow[]> {
  return ({ beforeId, limit }) => agentsPage.execute(db, { tenantId, isActive: filter.is_active, beforeId, limit });
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
    .set({ ...storedColumns(agent), updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export function deleteAgent(db: Kysely<DB>, tenantId: string, id: string): Promise<boolean> {
  return softDelete(db, 'agents', { tenantId, id }, { is_active: false });
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
