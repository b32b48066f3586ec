-- Foundation: tenants, API keys, idempotency records, operator settings, agents.
-- Ids are ULID-based text sorted as bytes (COLLATE "C"), which keyset pagination relies on.

CREATE TABLE tenants (
  id                      text COLLATE "C" PRIMARY KEY,
  name                    text NOT NULL,
  email                   text,
  plan                    text NOT NULL DEFAULT 'free',
  currency                text NOT NULL DEFAULT 'USD',
  balance                 numeric(14, 4) NOT NULL DEFAULT 0,
  rate_limits             jsonb NOT NULL DEFAULT '{}'::jsonb,
  concurrent_calls_limit  integer NOT NULL DEFAULT 10 CHECK (concurrent_calls_limit >= 0),
  disabled                boolean NOT NULL DEFAULT false,
  settings                jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id            text COLLATE "C" PRIMARY KEY,
  tenant_id     text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name          text NOT NULL,
  mode          text NOT NULL CHECK (mode IN ('test', 'live')),
  -- SHA-256 of the whole secret, hex. Keys carry 256 random bits, so a fast hash is safe here
  -- (as GitHub and Stripe do); a slow KDF would only slow every request.
  key_hash      text NOT NULL UNIQUE,
  prefix        text NOT NULL,
  scopes        jsonb NOT NULL DEFAULT '["*"]'::jsonb,
  last_used_at  timestamptz,
  revoked_at    timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

-- One row per (scope, mode, Idempotency-Key); scope is the tenant id, or 'admin' for the
-- operator's requests. A row without response_status is still in flight.
CREATE TABLE idempotency_keys (
  scope            text COLLATE "C" NOT NULL,
  mode             text NOT NULL,
  key              text NOT NULL,
  method           text NOT NULL,
  path             text NOT NULL,
  request_hash     text NOT NULL,
  response_status  integer,
  response_body    text,
  response_type    text,
  locked_at        timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, mode, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Operator settings changed at run time (PATCH /v1/config); they override environment and file.
CREATE TABLE platform_settings (
  name        text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
  id          text COLLATE "C" PRIMARY KEY,
  tenant_id   text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name        text NOT NULL,
  is_active   boolean NOT NULL DEFAULT true,
  -- Everything else of the agent (pipeline, providers, prompts, tools, …), validated by the API.
  config      jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);
CREATE INDEX agents_tenant_live ON agents (tenant_id, id DESC) WHERE deleted_at IS NULL;
