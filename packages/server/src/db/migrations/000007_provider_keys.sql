-- Tenants' own keys for AI providers (bring your own key): one per tenant and provider, shared by
-- both modes like the agents that use them. The key is stored only sealed with AES-256-GCM under
-- CALLINGSCOUT_SECRETS_KEY (providers/keys/secret-box.ts: `v1.<base64 iv|tag|ciphertext>`, bound
-- to `tenant_id:provider`); `hint` keeps its last 4 characters so a person can tell keys apart.

CREATE TABLE provider_keys (
  tenant_id   text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  provider    text COLLATE "C" NOT NULL CHECK (provider IN ('openai', 'deepgram', 'elevenlabs')),
  sealed_key  text NOT NULL CHECK (sealed_key LIKE 'v1.%'),
  hint        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, provider)
);
