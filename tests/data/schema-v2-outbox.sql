-- What version 2 added to version 1 (the outbox with one row per notification, and the
-- service's last run), frozen: applied after schema-v1.sql it builds a version-2 database.

CREATE TABLE outbox (
  key         TEXT PRIMARY KEY,
  occurrence  TEXT NOT NULL,
  step        TEXT NOT NULL,
  member      TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('reminder', 'escalation')),
  sequence    INTEGER NOT NULL,
  recipient   TEXT NOT NULL,
  level       INTEGER NOT NULL,
  planned_at  TEXT NOT NULL,
  late        INTEGER NOT NULL CHECK (late IN (0, 1)),
  enqueued_at TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'skipped', 'dead')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  finished_at TEXT NOT NULL DEFAULT '',
  message_id  TEXT NOT NULL DEFAULT '',
  detail      TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX outbox_pending ON outbox (status, planned_at) WHERE status = 'pending';

CREATE TABLE service_state (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  last_run TEXT NOT NULL
);

PRAGMA user_version = 2;
