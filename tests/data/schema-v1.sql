-- The schema of version 1 (scadenzario before the outbox), frozen: the migration tests
-- build an old database from it.

CREATE TABLE occurrence (
  key TEXT PRIMARY KEY,
  act TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE step_state (
  occurrence   TEXT NOT NULL REFERENCES occurrence (key),
  step         TEXT NOT NULL,
  member       TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('done', 'waived')),
  done_by      TEXT NOT NULL,
  recorded_at  TEXT NOT NULL,
  reference    TEXT NOT NULL,
  document_url TEXT NOT NULL,
  note         TEXT NOT NULL,
  forced       INTEGER NOT NULL CHECK (forced IN (0, 1)),
  PRIMARY KEY (occurrence, step, member)
) WITHOUT ROWID;

CREATE TABLE audit (
  seq          INTEGER PRIMARY KEY,
  at           TEXT NOT NULL,
  author       TEXT NOT NULL,
  action       TEXT NOT NULL CHECK (action IN ('done', 'waived', 'undone')),
  act          TEXT NOT NULL,
  occurrence   TEXT NOT NULL,
  step         TEXT NOT NULL,
  member       TEXT NOT NULL,
  done_by      TEXT NOT NULL,
  reference    TEXT NOT NULL,
  document_url TEXT NOT NULL,
  note         TEXT NOT NULL,
  forced       INTEGER NOT NULL,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
);
CREATE INDEX audit_by_act ON audit (act, seq);

-- The last row of the chain, so that deleting rows from the end is detected too.
CREATE TABLE audit_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,
  hash TEXT NOT NULL
);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
