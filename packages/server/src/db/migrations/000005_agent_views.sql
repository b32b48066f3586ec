-- Agents are read far more often than written, so each write also stores the agent's API view
-- as JSON text (masked secrets, documented key order). A list then splices that text instead of
-- parsing the jsonb config and serialising it again: on PostgreSQL that took GET /v1/agents from
-- ~0.36 to ~0.2x ms of server CPU per request (scripts/bench/http.ts).
-- view_version says which rendering the text follows; rows of another version (0: written
-- before this migration) are rendered from `config` until their next write.
ALTER TABLE agents ADD COLUMN view text;
ALTER TABLE agents ADD COLUMN view_version smallint NOT NULL DEFAULT 0;
