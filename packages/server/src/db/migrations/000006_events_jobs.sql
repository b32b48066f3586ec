-- The durable job queue (jobs/), the event history (events/), webhook subscriptions, deliveries
-- and their attempts, and the live-control ownership registry.

-- One row per job waiting, running or failed for good. A finished job is deleted; a job whose
-- attempts are spent keeps its row with failed_at and last_error (failures are data).
CREATE TABLE jobs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue         text NOT NULL,
  payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
  run_at        timestamptz NOT NULL DEFAULT now(),
  attempts      integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL DEFAULT 25 CHECK (max_attempts >= 1),
  -- Dedupe: at most one job per (queue, key) exists at a time (recurring jobs, "once" work).
  key           text,
  locked_by     text,
  locked_at     timestamptz,
  last_error    text,
  failed_at     timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX jobs_queue_key ON jobs (queue, key) WHERE key IS NOT NULL;
-- The claim's index: only jobs that may run, in the order they are taken.
CREATE INDEX jobs_ready ON jobs (queue, run_at, id) WHERE locked_at IS NULL AND failed_at IS NULL;
CREATE INDEX jobs_locked ON jobs (locked_at) WHERE locked_at IS NOT NULL;

-- Wakes the runners (LISTEN cs_jobs) when a job becomes ready now: inserted with run_at in the
-- past, or released by a stopping or dead worker. PostgreSQL folds identical notifications of
-- one transaction into one, so a batch insert wakes a queue once.
CREATE FUNCTION jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.run_at <= now() AND NEW.locked_at IS NULL AND NEW.failed_at IS NULL THEN
    PERFORM pg_notify('cs_jobs', NEW.queue);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER jobs_notify_insert AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_notify();
CREATE TRIGGER jobs_notify_release AFTER UPDATE OF locked_at ON jobs FOR EACH ROW
  WHEN (OLD.locked_at IS NOT NULL AND NEW.locked_at IS NULL) EXECUTE FUNCTION jobs_notify();

-- Events: the history (30 days) of every stored event. Live-only events (transcript.partial, …)
-- are not stored here (events/NOTES.md).
CREATE TABLE events (
  id           text COLLATE "C" PRIMARY KEY,
  tenant_id    text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  livemode     boolean NOT NULL,
  type         text NOT NULL,
  -- json, not jsonb: the snapshot is kept as written (the object's documented key order) and
  -- spliced into deliveries and streams without a parse; nothing queries inside it.
  data         json NOT NULL,
  call_id      text COLLATE "C",
  campaign_id  text COLLATE "C",
  batch_id     text COLLATE "C",
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_tenant ON events (tenant_id, livemode, id DESC);
CREATE INDEX events_call ON events (tenant_id, livemode, call_id, id DESC) WHERE call_id IS NOT NULL;
CREATE INDEX events_campaign ON events (tenant_id, livemode, campaign_id, id DESC) WHERE campaign_id IS NOT NULL;
CREATE INDEX events_created ON events (created_at);

-- Every process LISTENs on cs_events to feed its live streams. The payload is the id only
-- (NOTIFY payloads stop at 8000 bytes; readers fetch the row), and NOTIFY is transactional:
-- a rolled-back event is never announced, a committed one always is.
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cs_events', NEW.id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER events_notify_insert AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_notify();

CREATE TABLE webhook_subscriptions (
  id                          text COLLATE "C" PRIMARY KEY,
  tenant_id                   text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  livemode                    boolean NOT NULL,
  url                         text NOT NULL,
  event_types                 jsonb NOT NULL,
  description                 text,
  enabled                     boolean NOT NULL DEFAULT true,
  -- Why the platform disabled it (a 410 from the receiver); null when the user did.
  disabled_reason             text,
  -- Kept in clear: an HMAC needs the key itself.
  secret                      text NOT NULL,
  -- After a rotation the old secret also signs until previous_secret_expires_at.
  previous_secret             text,
  previous_secret_expires_at  timestamptz,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now(),
  deleted_at                  timestamptz
);
CREATE INDEX webhook_subscriptions_tenant ON webhook_subscriptions (tenant_id, livemode, id DESC)
  WHERE deleted_at IS NULL;

-- The secret that signs deliveries to per-agent and per-call webhook_url, one per tenant and mode.
CREATE TABLE webhook_tenant_secrets (
  tenant_id   text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  livemode    boolean NOT NULL,
  secret      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, livemode)
);

-- One event to one receiver: a subscription, or an ad-hoc URL (subscription_id null).
CREATE TABLE webhook_deliveries (
  id               text COLLATE "C" PRIMARY KEY,
  tenant_id        text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  livemode         boolean NOT NULL,
  event_id         text COLLATE "C" NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  subscription_id  text COLLATE "C" REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  url              text,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  -- The job that sends it (jobs.id); the job's run_at is the next attempt while one is due.
  job_id           bigint,
  last_status_code integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (subscription_id IS NOT NULL OR url IS NOT NULL)
);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id DESC);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);

CREATE TABLE webhook_attempts (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id       text COLLATE "C" NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  number            integer NOT NULL,
  status_code       integer,
  latency_ms        integer NOT NULL,
  error             text,
  response_excerpt  text,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- Which process owns a live call's control (events/control.ts); gone when the call ends.
CREATE TABLE call_control_owners (
  call_id        text COLLATE "C" PRIMARY KEY,
  owner          text NOT NULL,
  registered_at  timestamptz NOT NULL DEFAULT now()
);
