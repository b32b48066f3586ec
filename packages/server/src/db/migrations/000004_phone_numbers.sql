-- Phone numbers: activity objects (they belong to the mode that created them). A number is
-- either bought through a carrier (`source = 'provisioned'`: verified, attested by the carrier)
-- or a number the tenant owns elsewhere and proves with a code (`source = 'verified'`).

CREATE TABLE phone_numbers (
  id                 text COLLATE "C" PRIMARY KEY,
  tenant_id          text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  livemode           boolean NOT NULL,
  phone_number       text NOT NULL CHECK (phone_number ~ '^\+[1-9][0-9]{6,14}$'),
  name               text,
  country            text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  carrier            text NOT NULL,
  -- The carrier's own handle for the number (e.g. Twilio's PN… sid), needed to release it.
  carrier_ref        text,
  source             text NOT NULL CHECK (source IN ('provisioned', 'verified')),
  capabilities       jsonb NOT NULL DEFAULT '{"voice": true, "sms": false}'::jsonb,
  verified           boolean NOT NULL DEFAULT false,
  -- STIR/SHAKEN attestation the carrier signs calls from this number with (compliance.md).
  attestation        text CHECK (attestation IN ('A', 'B', 'C')),
  is_default         boolean NOT NULL DEFAULT false,
  inbound_agent_id   text COLLATE "C" REFERENCES agents (id),
  -- Caller-ID verification (source = 'verified' only). The code is stored as a SHA-256 of
  -- (number id, code), never in clear.
  verification_status        text CHECK (verification_status IN ('pending', 'verified', 'expired')),
  verification_code_hash     text,
  verification_expires_at    timestamptz,
  verification_attempts_left integer CHECK (verification_attempts_left >= 0),
  verification_channel       text CHECK (verification_channel IN ('call', 'sms')),
  -- The attestation the carrier said it will sign with once the number is verified.
  verification_attestation   text CHECK (verification_attestation IN ('A', 'B', 'C')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  deleted_at         timestamptz,
  CHECK (NOT is_default OR verified)
);
CREATE INDEX phone_numbers_tenant_live ON phone_numbers (tenant_id, livemode, id DESC) WHERE deleted_at IS NULL;
-- One object per number per tenant and mode.
CREATE UNIQUE INDEX phone_numbers_number ON phone_numbers (tenant_id, livemode, phone_number) WHERE deleted_at IS NULL;
-- At most one default per tenant and mode.
CREATE UNIQUE INDEX phone_numbers_default ON phone_numbers (tenant_id, livemode) WHERE is_default AND deleted_at IS NULL;
-- A real number bought from a carrier belongs to one tenant. Sandbox numbers are per tenant
-- (each tenant's simulated network is its own), so the 8,999-number range never runs out.
CREATE UNIQUE INDEX phone_numbers_owned_live ON phone_numbers (phone_number)
  WHERE livemode AND source = 'provisioned' AND deleted_at IS NULL;

-- Every tenant has one sandbox number in test mode from the start (api.md, "Phone numbers").
-- Backfill the tenants that exist; new ones get theirs in createTenantWithKeys. The number is
-- drawn from the sandbox range +1 500 555 1000–9999 without 1212 (see carriers/sandbox/numbers.ts);
-- the id is a ULID built here (Crockford base32: 10 characters of milliseconds, 16 random), the
-- random subquery correlated with the tenant so it is drawn once per row.
INSERT INTO phone_numbers (
  id, tenant_id, livemode, phone_number, name, country, carrier, source, capabilities, verified, attestation
)
SELECT
  'num_' || (
    SELECT string_agg(
      substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (((ms.v >> (45 - 5 * i)) & 31)::int) + 1, 1), '' ORDER BY i)
    FROM generate_series(0, 9) AS i
  ) || (
    SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', floor(random() * 32)::int + 1, 1), '')
    FROM generate_series(1, 16) AS j
    WHERE t.id IS NOT NULL
  ),
  t.id,
  false,
  '+1500555' || (
    SELECT CASE WHEN n >= 1212 THEN n + 1 ELSE n END
    FROM (SELECT 1000 + floor(random() * 8999)::int AS n WHERE t.id IS NOT NULL) AS draw
  )::text,
  'Sandbox number',
  'US',
  'sandbox',
  'provisioned',
  '{"voice": true, "sms": true}'::jsonb,
  true,
  'A'
FROM tenants AS t
CROSS JOIN (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS v) AS ms
WHERE NOT EXISTS (
  SELECT 1 FROM phone_numbers p WHERE p.tenant_id = t.id AND NOT p.livemode AND p.deleted_at IS NULL
);
