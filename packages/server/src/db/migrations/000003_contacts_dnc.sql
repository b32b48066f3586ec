-- Contacts, contact lists and their members, and the do-not-call list. All configuration objects:
-- shared by test and live mode, so no livemode column.

CREATE TABLE contacts (
  id             text COLLATE "C" PRIMARY KEY,
  tenant_id      text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- E.164, normalised by the API (contacts/phone.ts); one contact per number and tenant.
  phone          text COLLATE "C" NOT NULL,
  name           text,
  email          text,
  company        text,
  timezone       text,
  tags           jsonb NOT NULL DEFAULT '[]'::jsonb,
  custom_fields  jsonb NOT NULL DEFAULT '{}'::jsonb,
  metadata       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
-- The upsert key of bulk writes and CSV imports, and the `?phone=` filter.
CREATE UNIQUE INDEX contacts_tenant_phone ON contacts (tenant_id, phone);
CREATE INDEX contacts_tenant_id ON contacts (tenant_id, id DESC);

CREATE TABLE contact_lists (
  id           text COLLATE "C" PRIMARY KEY,
  tenant_id    text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name         text NOT NULL,
  description  text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_lists_tenant_id ON contact_lists (tenant_id, id DESC);

-- Membership. Both sides belong to the same tenant (the API checks it); deleting either side
-- deletes the membership.
CREATE TABLE contact_list_members (
  list_id     text COLLATE "C" NOT NULL REFERENCES contact_lists (id) ON DELETE CASCADE,
  contact_id  text COLLATE "C" NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (list_id, contact_id)
);
CREATE INDEX contact_list_members_contact ON contact_list_members (contact_id, list_id);

-- The tenant's do-not-call list. The compliance gate looks numbers up by primary key
-- (compliance/dnc-list.ts); `seq` orders the API's list newest first.
CREATE TABLE dnc_entries (
  tenant_id   text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  phone       text COLLATE "C" NOT NULL,
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  source      text NOT NULL CHECK (source IN ('api', 'import', 'call', 'registry')),
  reason      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, phone)
);
CREATE INDEX dnc_entries_tenant_seq ON dnc_entries (tenant_id, seq DESC);
