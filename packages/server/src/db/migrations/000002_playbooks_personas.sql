-- Custom playbooks and personas: configuration objects, shared by test and live mode.
-- The nine platform.* playbooks are code (playbooks/builtin.ts), not rows.

CREATE TABLE playbooks (
  id                 text COLLATE "C" PRIMARY KEY,
  tenant_id          text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name               text NOT NULL,
  description        text,
  -- A platform.* playbook this one forks. Fields stored as NULL are read from it at read time,
  -- so a fork follows improvements to its base until it overrides the field.
  base               text,
  strategy           text,
  behavior_rules     jsonb,
  extraction_schema  jsonb,
  success_criteria   jsonb,
  voice_tone         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  deleted_at         timestamptz,
  CHECK (base IS NOT NULL OR strategy IS NOT NULL)
);
CREATE INDEX playbooks_tenant_live ON playbooks (tenant_id, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE personas (
  id             text COLLATE "C" PRIMARY KEY,
  tenant_id      text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name           text NOT NULL,
  caller_name    text NOT NULL,
  company        text,
  role           text,
  voice          text,
  language       text,
  default_rules  jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  deleted_at     timestamptz
);
CREATE INDEX personas_tenant_live ON personas (tenant_id, id DESC) WHERE deleted_at IS NULL;
