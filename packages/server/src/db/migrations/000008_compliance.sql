-- The compliance gate (compliance/): one row per decision, and the guard that makes the gate
-- impossible to bypass. A dial attempt row must reference a fresh `allow` check made for it.

CREATE TABLE compliance_checks (
  id            text COLLATE "C" PRIMARY KEY,
  tenant_id     text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  livemode      boolean NOT NULL,
  -- The call the check was made for; null for a preview (POST /v1/compliance/check).
  call_id       text COLLATE "C",
  -- 'dial': made by the dialer for an attempt. 'preview': shown without dialling, or evaluated at
  -- an instant other than now; the guard refuses it for an attempt.
  kind          text NOT NULL CHECK (kind IN ('dial', 'preview')),
  to_number     text COLLATE "C" NOT NULL,
  from_number   text COLLATE "C",
  agent_id      text COLLATE "C",
  contact_id    text COLLATE "C",
  decision      text NOT NULL CHECK (decision IN ('allow', 'defer', 'deny')),
  -- Sentences for a person, one per rule that deferred or denied.
  reasons       jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- Every rule's verdict with the data it used (compliance/types.ts `Verdict`).
  verdicts      jsonb NOT NULL,
  obligations   jsonb NOT NULL,
  defer_until   timestamptz,
  -- The instant the rules were evaluated for.
  evaluated_at  timestamptz NOT NULL,
  -- Set by compliance_guard_attempt() when an attempt uses the check; the frequency rule counts these.
  used_at       timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((decision = 'defer') = (defer_until IS NOT NULL))
);
CREATE INDEX compliance_checks_tenant ON compliance_checks (tenant_id, livemode, id DESC);
-- The frequency rule: attempts to one number in the last 24 h, one index range.
CREATE INDEX compliance_checks_used ON compliance_checks (tenant_id, livemode, to_number, used_at DESC)
  WHERE used_at IS NOT NULL;
CREATE INDEX compliance_checks_call ON compliance_checks (call_id) WHERE call_id IS NOT NULL;

-- The dnc rule flags a national registry extract older than 31 days: its newest row, one seek,
-- however long the tenant's own list is.
CREATE INDEX dnc_entries_registry ON dnc_entries (tenant_id, created_at DESC) WHERE source = 'registry';

-- The guard for dial attempts. `call_attempts` belongs to the calls subsystem, whose migration
-- attaches it:
--   CREATE TRIGGER call_attempts_compliance BEFORE INSERT OR UPDATE OF compliance_check_id
--     ON call_attempts FOR EACH ROW EXECUTE FUNCTION compliance_guard_attempt();
-- It reads NEW.compliance_check_id, NEW.tenant_id and NEW.call_id, and refuses (SQLSTATE 23514,
-- constraint `compliance_guard`) a check that is missing, of another tenant or call, not
-- `allow`, a preview, older than 5 minutes, or already used by another attempt. The check row is
-- locked and marked used, so two attempts racing for one check cannot both pass.
CREATE FUNCTION compliance_guard_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  chk compliance_checks%ROWTYPE;
  problem text;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.compliance_check_id IS NOT DISTINCT FROM OLD.compliance_check_id THEN
    RETURN NEW;
  END IF;
  IF NEW.compliance_check_id IS NULL THEN
    problem := 'it references no compliance check';
  ELSE
    SELECT * INTO chk FROM compliance_checks WHERE id = NEW.compliance_check_id FOR UPDATE;
    IF NOT FOUND THEN
      problem := format('compliance check %s does not exist', NEW.compliance_check_id);
    ELSIF chk.tenant_id IS DISTINCT FROM NEW.tenant_id THEN
      problem := format('compliance check %s belongs to another tenant', chk.id);
    ELSIF chk.call_id IS DISTINCT FROM NEW.call_id THEN
      problem := format('compliance check %s was made for another call', chk.id);
    ELSIF chk.decision <> 'allow' THEN
      problem := format('compliance check %s decided %s', chk.id, chk.decision);
    ELSIF chk.kind <> 'dial' THEN
      problem := format('compliance check %s is a preview, not made for dialling', chk.id);
    ELSIF chk.created_at < now() - interval '5 minutes' THEN
      problem := format('compliance check %s is older than 5 minutes', chk.id);
    ELSIF chk.used_at IS NOT NULL THEN
      problem := format('compliance check %s was already used by another attempt', chk.id);
    END IF;
  END IF;
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION 'call attempt refused: %', problem
      USING ERRCODE = 'check_violation', CONSTRAINT = 'compliance_guard';
  END IF;
  UPDATE compliance_checks SET used_at = now() WHERE id = chk.id;
  RETURN NEW;
END;
$$;
