import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Column types of the database, as Kysely sees them. Mirrors migrations/*.sql. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;
export type Mode = 'test' | 'live';

export interface TenantsTable {
  id: string;
  name: string;
  email: string | null;
  plan: Generated<string>;
  currency: Generated<string>;
  balance: ColumnType<number, number | undefined, number>;
  rate_limits: Json<Record<string, number>>;
  concurrent_calls_limit: ColumnType<number, number | undefined, number>;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  settings: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  name: string;
  mode: Mode;
  key_hash: string;
  prefix: string;
  scopes: Json<string[]>;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_at: Timestamp;
}

export interface IdempotencyKeysTable {
  scope: string;
  mode: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  response_status: number | null;
  response_body: string | null;
  response_type: string | null;
  locked_at: Timestamp;
  created_at: Timestamp;
}

export interface PlatformSettingsTable {
  name: string;
  value: Json<unknown>;
  updated_at: Timestamp;
}

export interface AgentsTable {
  id: string;
  tenant_id: string;
  name: string;
  is_active: ColumnType<boolean, boolean | undefined, boolean>;
  config: Json<Record<string, unknown>>;
  /** The API view as JSON text (`agents/store.ts` `AGENT_VIEW_VERSION`), null before it was first written. */
  view: string | null;
  view_version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface PlaybooksTable {
  id: string;
  tenant_id: string;
  name: string;
  description: string | null;
  base: string | null;
  strategy: string | null;
  behavior_rules: Json<string[]> | null;
  extraction_schema: Json<Record<string, unknown>> | null;
  success_criteria: Json<string[]> | null;
  voice_tone: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface PersonasTable {
  id: string;
  tenant_id: string;
  name: string;
  caller_name: string;
  company: string | null;
  role: string | null;
  voice: string | null;
  language: string | null;
  default_rules: Json<string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface ContactsTable {
  id: string;
  tenant_id: string;
  phone: string;
  name: string | null;
  email: string | null;
  company: string | null;
  timezone: string | null;
  tags: Json<string[]>;
  custom_fields: Json<Record<string, unknown>>;
  metadata: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ContactListsTable {
  id: string;
  tenant_id: string;
  name: string;
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ContactListMembersTable {
  list_id: string;
  contact_id: string;
  added_at: Timestamp;
}

export interface DncEntriesTable {
  tenant_id: string;
  phone: string;
  seq: Generated<number>;
  source: 'api' | 'import' | 'call' | 'registry';
  reason: string | null;
  created_at: Timestamp;
}

export type Attestation = 'A' | 'B' | 'C';

export interface PhoneNumbersTable {
  id: string;
  tenant_id: string;
  livemode: boolean;
  phone_number: string;
  name: string | null;
  country: string;
  carrier: string;
  carrier_ref: string | null;
  source: 'provisioned' | 'verified';
  capabilities: Json<{ voice: boolean; sms: boolean }>;
  verified: ColumnType<boolean, boolean | undefined, boolean>;
  attestation: Attestation | null;
  is_default: ColumnType<boolean, boolean | undefined, boolean>;
  inbound_agent_id: string | null;
  verification_status: 'pending' | 'verified' | 'expired' | null;
  verification_code_hash: string | null;
  verification_expires_at: Timestamp | null;
  verification_attempts_left: number | null;
  verification_channel: 'call' | 'sms' | null;
  verification_attestation: Attestation | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

/** The job queue (migration 000006, jobs/). */
export interface JobsTable {
  id: Generated<number>;
  queue: string;
  payload: Json<Record<string, unknown>>;
  run_at: Timestamp;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  key: string | null;
  locked_by: string | null;
  locked_at: Timestamp | null;
  last_error: string | null;
  failed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Stored events (events/). */
export interface EventsTable {
  id: string;
  tenant_id: string;
  livemode: boolean;
  type: string;
  /** JSON text of the object snapshot (a `json` column: kept as written). */
  data: ColumnType<unknown, string, string>;
  call_id: string | null;
  campaign_id: string | null;
  batch_id: string | null;
  created_at: Timestamp;
}

export interface WebhookSubscriptionsTable {
  id: string;
  tenant_id: string;
  livemode: boolean;
  url: string;
  event_types: Json<string[]>;
  description: string | null;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

/** A tenant's own provider key, sealed (migration 000007, providers/keys). */
export interface ProviderKeysTable {
  tenant_id: string;
  provider: string;
  sealed_key: string;
  hint: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookTenantSecretsTable {
  tenant_id: string;
  livemode: boolean;
  secret: string;
  created_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  tenant_id: string;
  livemode: boolean;
  event_id: string;
  subscription_id: string | null;
  url: string | null;
  status: ColumnType<'pending' | 'succeeded' | 'failed', 'pending' | 'succeeded' | 'failed' | undefined>;
  attempts: ColumnType<number, number | undefined, number>;
  job_id: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  number: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_excerpt: string | null;
  created_at: Timestamp;
}

export interface CallControlOwnersTable {
  call_id: string;
  owner: string;
  registered_at: Timestamp;
}

/** Decisions of the compliance gate (migration 000008, compliance/). */
export interface ComplianceChecksTable {
  id: string;
  tenant_id: string;
  livemode: boolean;
  call_id: string | null;
  kind: 'dial' | 'preview';
  to_number: string;
  from_number: string | null;
  agent_id: string | null;
  contact_id: string | null;
  decision: 'allow' | 'defer' | 'deny';
  reasons: Json<string[]>;
  verdicts: Json<unknown[]>;
  obligations: Json<Record<string, boolean>>;
  defer_until: Timestamp | null;
  evaluated_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Timestamp;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: Timestamp;
}

export interface DB {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
  platform_settings: PlatformSettingsTable;
  agents: AgentsTable;
  playbooks: PlaybooksTable;
  personas: PersonasTable;
  contacts: ContactsTable;
  contact_lists: ContactListsTable;
  contact_list_members: ContactListMembersTable;
  dnc_entries: DncEntriesTable;
  phone_numbers: PhoneNumbersTable;
  provider_keys: ProviderKeysTable;
  schema_migrations: SchemaMigrationsTable;
  compliance_checks: ComplianceChecksTable;
  jobs: JobsTable;
  events: EventsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_tenant_secrets: WebhookTenantSecretsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  call_control_owners: CallControlOwnersTable;
}

export type Tenant = Selectable<TenantsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type AgentRow = Selectable<AgentsTable>;
export type PhoneNumberRow = Selectable<PhoneNumbersTable>;
export type PlaybookRow = Selectable<PlaybooksTable>;
export type PersonaRow = Selectable<PersonasTable>;
export type NewAgentRow = Insertable<AgentsTable>;
export type AgentUpdate = Updateable<AgentsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type ContactListRow = Selectable<ContactListsTable>;
