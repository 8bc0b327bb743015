#include "store/store.hpp"

#include "files/file_safety.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

namespace scadenzario::store {

namespace fs = std::filesystem;

namespace {

constexpr int k_busy_timeout_ms = 10'000;

// Forward migrations: entry i brings a database from version i to version i + 1.
// Never edit a released entry; append a new one and raise k_schema_version.
constexpr std::array<std::string_view, k_schema_version> k_migrations = {
    // 0 -> 1: occurrences, step states, and the hash-chained audit log.
    R"sql(
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
)sql",
    // 1 -> 2: the service's outbox (one row per notification key: enqueued once) and the
    // time of its last run.
    R"sql(
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
)sql",
    // 2 -> 3: one delivery per notification and channel (e-mail, each webhook), each with
    // its own retry time; a dead letter is announced to the administrator once.
    R"sql(
ALTER TABLE outbox RENAME TO outbox_v2;
CREATE TABLE outbox (
  key          TEXT NOT NULL,
  channel      TEXT NOT NULL,
  occurrence   TEXT NOT NULL,
  step         TEXT NOT NULL,
  member       TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('reminder', 'escalation')),
  sequence     INTEGER NOT NULL,
  recipient    TEXT NOT NULL,
  level        INTEGER NOT NULL,
  planned_at   TEXT NOT NULL,
  late         INTEGER NOT NULL CHECK (late IN (0, 1)),
  enqueued_at  TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'skipped', 'dead')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_attempt TEXT NOT NULL DEFAULT '',
  finished_at  TEXT NOT NULL DEFAULT '',
  message_id   TEXT NOT NULL DEFAULT '',
  detail       TEXT NOT NULL DEFAULT '',
  announced    INTEGER NOT NULL DEFAULT 0 CHECK (announced IN (0, 1)),
  PRIMARY KEY (key, channel)
) WITHOUT ROWID;
INSERT INTO outbox (key, channel, occurrence, step, member, kind, sequence, recipient, level,
                    planned_at, late, enqueued_at, status, attempts, finished_at, message_id,
                    detail, announced)
  SELECT key, 'mail', occurrence, step, member, kind, sequence, recipient, level, planned_at,
         late, enqueued_at, status, attempts, finished_at, message_id, detail, 1
  FROM outbox_v2;
DROP TABLE outbox_v2;
CREATE INDEX outbox_pending ON outbox (status, planned_at) WHERE status = 'pending';
)sql",
};

// Rolls back unless committed: every early return leaves the database as it was.
class Transaction {
public:
  explicit Transaction(sqlite3* db) : m_db(db) {}
  ~Transaction() {
    if (m_db) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  int commit() {
    const int rc = sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) m_db = nullptr;
    return rc;
  }

private:
  sqlite3* m_db;
};

StepRecord record_from(const Statement& row) {
  return StepRecord{
      .key = {row.text(0), row.text(1), row.text(2)},
      .act = row.text(3),
      .status = row.text(4) == "done" ? StepStatus::done : StepStatus::waived,
      .done_by = row.text(5),
      .recorded_at = row.text(6),
      .reference = row.text(7),
      .document_url = row.text(8),
      .note = row.text(9),
      .forced = row.integer(10) != 0,
  };
}

AuditRow audit_from(const Statement& row) {
  return AuditRow{.seq = row.integer(0),
                  .at = row.text(1),
                  .author = row.text(2),
                  .action = row.text(3),
                  .act = row.text(4),
                  .occurrence = row.text(5),
                  .step = row.text(6),
                  .member = row.text(7),
                  .done_by = row.text(8),
                  .reference = row.text(9),
                  .document_url = row.text(10),
                  .note = row.text(11),
                  .forced = row.integer(12) != 0,
                  .prev_hash = row.text(13),
                  .hash = row.text(14)};
}

constexpr std::string_view k_record_columns =
    "s.occurrence, s.step, s.member, o.act, s.status, s.done_by, s.recorded_at, s.reference, "
    "s.document_url, s.note, s.forced";
constexpr std::string_view k_audit_columns =
    "seq, at, author, action, act, occurrence, step, member, done_by, reference, document_url, "
    "note, forced, prev_hash, hash";

}  // namespace

std::string_view to_string(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::done: return "done";
    case ChangeKind::waived: return "waived";
    case ChangeKind::undone: return "undone";
  }
  return "done";
}

Result<Statement> Store::prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(m_db.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  Statement statement(raw);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(m_db.get(), rc, "read", m_path));
  return statement;
}

Result<void> Store::execute(std::string_view sql) {
  const int rc = sqlite3_exec(m_db.get(), std::string(sql).c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  return {};
}

namespace {

// `what` names the operation in errors: the first read of a file is its opening.
Result<int> read_version(sqlite3* db, const fs::path& path, std::string_view what = "read") {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &raw, nullptr);
  Statement statement(raw);
  if (rc == SQLITE_OK) rc = statement.step();
  if (rc != SQLITE_ROW) return std::unexpected(sqlite_error(db, rc, what, path));
  return static_cast<int>(statement.integer(0));
}

Result<void> migrate(sqlite3* db, const fs::path& path, int& version) {
  if (version >= k_schema_version) return {};
  int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(db, rc, "migrate", path));
  Transaction transaction(db);
  // Another process may have migrated while this one waited for the lock.
  auto current = read_version(db, path);
  if (!current) return std::unexpected(current.error());
  for (int v = *current; v < k_schema_version; ++v) {
    rc = sqlite3_exec(db, k_migrations[static_cast<std::size_t>(v)].data(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(sqlite_error(db, rc, "migrate", path));
  }
  const std::string set_version = "PRAGMA user_version = " + std::to_string(k_schema_version);
  rc = sqlite3_exec(db, set_version.c_str(), nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) rc = transaction.commit();
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(db, rc, "migrate", path));
  version = k_schema_version;
  return {};
}

// Returns why `path` is unfit for the state database: a directory or file that others
// may write lets them replace the database or plant its -wal journal, and with them the
// audit log. Symbolic links are followed: what counts is where the file really lives.
std::optional<Error> unsafe_location(const fs::path& path) {
  const fs::path real = files::real_path(path);
  const fs::path directory = real.has_parent_path() ? real.parent_path() : fs::path(".");
  for (const fs::path& where : {directory, real}) {
    const auto unsafe = files::writable_by_others(where);
    if (!unsafe) continue;
    const bool is_directory = where == directory;
    return Error{ErrorKind::unsafe, "refusing the state database " + path.string() + ": " +
                                        (is_directory ? "its directory " : "the file ") + *unsafe +
                                        ", who could replace the database and its audit log; chmod o-w " +
                                        where.string() + (is_directory ? " or choose another state_db" : "")};
  }
  return std::nullopt;
}

// Creates the database file, readable and writable by its owner only (SQLite would make
// it 0644), and, for a command run as root, owned like its directory: the service's
// user must be able to write it. SQLite gives its -wal and -shm files the same owner.
std::optional<Error> create_private(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return std::nullopt;
    return Error{ErrorKind::io, "cannot create the state database " + path.string() + ": " + std::strerror(errno)};
  }
  ::close(fd);
  if (auto refused = files::give_to_directory_owner(path)) return Error{ErrorKind::io, *refused};
  return std::nullopt;
}

}  // namespace

Result<Store> Store::open(const fs::path& path, Access access) {
  if (auto unsafe = unsafe_location(path)) return std::unexpected(std::move(*unsafe));
  std::error_code ec;
  if (access == Access::read_only && !fs::exists(path, ec)) {
    return std::unexpected(Error{ErrorKind::not_found, "no state database at " + path.string()});
  }
  if (access == Access::read_write && !fs::exists(path, ec)) {
    if (auto failed = create_private(files::real_path(path))) return std::unexpected(std::move(*failed));
  }
  const int flags = access == Access::read_only ? SQLITE_OPEN_READONLY
                                                : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(db.get(), rc, "open", path));
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), k_busy_timeout_ms);

  auto version = read_version(db.get(), path, "open");  // a non-database fails here
  if (!version) return std::unexpected(version.error());
  if (*version > k_schema_version) {
    return std::unexpected(Error{ErrorKind::too_new,
                                 "the state database " + path.string() + " has schema version " +
                                     std::to_string(*version) + ", newer than this scadenzario (" +
                                     std::to_string(k_schema_version) +
                                     "): upgrade scadenzario; the file was not modified"});
  }
  Store store(std::move(db), path, *version);
  if (auto fk = store.execute("PRAGMA foreign_keys = ON"); !fk) return std::unexpected(fk.error());
  if (access == Access::read_only) {
    if (*version != 0 && *version < k_schema_version) {
      return std::unexpected(Error{ErrorKind::io, "the state database " + path.string() +
                                                      " has the older schema version " +
                                                      std::to_string(*version) +
                                                      "; any write command migrates it"});
    }
    return store;
  }
  // WAL lets readers go on while one process writes; FULL makes every commit durable.
  for (const std::string_view pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL"}) {
    if (auto result = store.execute(pragma); !result) return std::unexpected(result.error());
  }
  if (auto migrated = migrate(store.m_db.get(), path, store.m_version); !migrated) {
    return std::unexpected(migrated.error());
  }
  return store;
}

void Store::leave_log_on_close() {
  sqlite3_db_config(m_db.get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

void Store::set_busy_timeout(std::chrono::milliseconds timeout) {
  sqlite3_busy_timeout(m_db.get(), static_cast<int>(timeout.count()));
}

Result<std::vector<StepRecord>> Store::records(std::span<const std::string> occurrences) {
  std::vector<StepRecord> result;
  if (m_version == 0) return result;  // an empty file: nothing recorded yet
  auto statement = prepare("SELECT " + std::string(k_record_columns) +
                           " FROM step_state s JOIN occurrence o ON o.key = s.occurrence"
                           " WHERE s.occurrence = ?1");
  if (!statement) return std::unexpected(statement.error());
  // One read transaction: a consistent snapshot, and one lock instead of one per query.
  std::optional<Transaction> snapshot;
  if (sqlite3_get_autocommit(m_db.get())) {
    const int rc = sqlite3_exec(m_db.get(), "BEGIN", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(sqlite_error(m_db.get(), rc, "read", m_path));
    snapshot.emplace(m_db.get());  // rolled back at the end: nothing was written
  }
  for (const std::string& occurrence : occurrences) {
    statement->reset();
    statement->bind(1, occurrence);
    int rc = SQLITE_ROW;
    while ((rc = statement->step()) == SQLITE_ROW) result.push_back(record_from(*statement));
    if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), rc, "read", m_path));
  }
  return result;
}

Result<void> Store::apply(const StepChange& change, std::span<const std::string> context,
                         const Check& check) {
  int rc = sqlite3_exec(m_db.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  Transaction transaction(m_db.get());
  if (check) {
    auto records = this->records(context);
    if (!records) return std::unexpected(records.error());
    if (auto refused = check(StepStates(std::move(*records)))) return std::unexpected(*refused);
  }
  if (auto written = write_change(change); !written) return written;
  if (auto audited = append_audit(change); !audited) return audited;
  rc = transaction.commit();
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  return {};
}

Result<void> Store::write_change(const StepChange& change) {
  auto current = prepare("SELECT status, done_by, recorded_at FROM step_state"
                         " WHERE occurrence = ?1 AND step = ?2 AND member = ?3");
  if (!current) return std::unexpected(current.error());
  current->bind(1, change.key.occurrence).bind(2, change.key.step).bind(3, change.key.member);
  const int rc = current->step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    return std::unexpected(sqlite_error(m_db.get(), rc, "read", m_path));
  }
  const bool recorded = rc == SQLITE_ROW;
  if (change.kind == ChangeKind::undone) {
    if (!recorded) {
      return std::unexpected(Error{ErrorKind::conflict, "nothing to undo: the step is pending"});
    }
    auto remove = prepare("DELETE FROM step_state WHERE occurrence = ?1 AND step = ?2 AND member = ?3");
    if (!remove) return std::unexpected(remove.error());
    remove->bind(1, change.key.occurrence).bind(2, change.key.step).bind(3, change.key.member);
    const int removed = remove->step();
    if (removed != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), removed, "write", m_path));
    return {};
  }
  if (recorded) {
    return std::unexpected(Error{ErrorKind::conflict,
                                 "the step is already recorded as " + current->text(0) + " by " +
                                     current->text(1) + " at " + current->text(2) +
                                     "; undo it first to record it again"});
  }
  auto occurrence = prepare("INSERT OR IGNORE INTO occurrence (key, act) VALUES (?1, ?2)");
  auto insert = prepare(
      "INSERT INTO step_state (occurrence, step, member, status, done_by, recorded_at, reference,"
      " document_url, note, forced) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!occurrence) return std::unexpected(occurrence.error());
  if (!insert) return std::unexpected(insert.error());
  occurrence->bind(1, change.key.occurrence).bind(2, change.act);
  insert->bind(1, change.key.occurrence).bind(2, change.key.step).bind(3, change.key.member);
  insert->bind(4, change.kind == ChangeKind::done ? "done" : "waived").bind(5, change.done_by);
  insert->bind(6, change.at).bind(7, change.reference).bind(8, change.document_url);
  insert->bind(9, change.note).bind(10, std::int64_t{change.forced ? 1 : 0});
  for (Statement* statement : {&*occurrence, &*insert}) {
    const int done = statement->step();
    if (done != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), done, "write", m_path));
  }
  return {};
}

Result<void> Store::append_audit(const StepChange& change) {
  auto head = prepare("SELECT seq, hash FROM audit_head WHERE id = 1");
  if (!head) return std::unexpected(head.error());
  const int rc = head->step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    return std::unexpected(sqlite_error(m_db.get(), rc, "read", m_path));
  }
  AuditRow row{.seq = rc == SQLITE_ROW ? head->integer(0) + 1 : 1,
               .at = change.at,
               .author = change.author,
               .action = std::string(to_string(change.kind)),
               .act = change.act,
               .occurrence = change.key.occurrence,
               .step = change.key.step,
               .member = change.key.member,
               .done_by = change.done_by,
               .reference = change.reference,
               .document_url = change.document_url,
               .note = change.note,
               .forced = change.forced,
               .prev_hash = rc == SQLITE_ROW ? head->text(1) : k_genesis_hash};
  row.hash = audit_row_hash(row);
  auto insert = prepare("INSERT INTO audit (" + std::string(k_audit_columns) +
                        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  auto move_head = prepare("INSERT OR REPLACE INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)");
  if (!insert) return std::unexpected(insert.error());
  if (!move_head) return std::unexpected(move_head.error());
  insert->bind(1, row.seq).bind(2, row.at).bind(3, row.author).bind(4, row.action).bind(5, row.act);
  insert->bind(6, row.occurrence).bind(7, row.step).bind(8, row.member).bind(9, row.done_by);
  insert->bind(10, row.reference).bind(11, row.document_url).bind(12, row.note);
  insert->bind(13, std::int64_t{row.forced ? 1 : 0}).bind(14, row.prev_hash).bind(15, row.hash);
  move_head->bind(1, row.seq).bind(2, row.hash);
  for (Statement* statement : {&*insert, &*move_head}) {
    const int done = statement->step();
    if (done != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), done, "write", m_path));
  }
  return {};
}

Result<std::vector<AuditRow>> Store::history(std::string_view act) {
  std::vector<AuditRow> rows;
  if (m_version == 0) return rows;
  auto statement = prepare("SELECT " + std::string(k_audit_columns) +
                           " FROM audit WHERE act = ?1 ORDER BY seq");
  if (!statement) return std::unexpected(statement.error());
  statement->bind(1, act);
  int rc = SQLITE_ROW;
  while ((rc = statement->step()) == SQLITE_ROW) rows.push_back(audit_from(*statement));
  if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), rc, "read", m_path));
  return rows;
}

Result<void> Store::for_each_audit_row(const std::function<void(const AuditRow&)>& visit) {
  if (m_version == 0) return {};
  auto statement = prepare("SELECT " + std::string(k_audit_columns) + " FROM audit ORDER BY seq");
  if (!statement) return std::unexpected(statement.error());
  int rc = SQLITE_ROW;
  while ((rc = statement->step()) == SQLITE_ROW) visit(audit_from(*statement));
  if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), rc, "read", m_path));
  return {};
}

Result<AuditCheck> Store::verify_audit() {
  AuditCheck check;
  std::string previous_hash = k_genesis_hash;
  auto walked = for_each_audit_row([&](const AuditRow& row) {
    if (check.problem) return;
    const std::int64_t expected = check.rows + 1;
    if (row.seq != expected) {
      check.problem = "row " + std::to_string(expected) + " is missing (deleted), the chain jumps to " +
                      std::to_string(row.seq);
    } else if (row.prev_hash != previous_hash) {
      check.problem = "row " + std::to_string(row.seq) +
                      " does not follow the row before it (a row was inserted, replaced or edited)";
    } else if (audit_row_hash(row) != row.hash) {
      check.problem = "row " + std::to_string(row.seq) + " was edited: its content does not match its hash";
    }
    if (check.problem) return;  // `rows` counts the intact rows, before the broken one
    previous_hash = row.hash;
    ++check.rows;
  });
  if (!walked) return std::unexpected(walked.error());
  if (check.problem || m_version == 0) return check;
  auto head = prepare("SELECT seq, hash FROM audit_head WHERE id = 1");
  if (!head) return std::unexpected(head.error());
  const int rc = head->step();
  const std::int64_t head_seq = rc == SQLITE_ROW ? head->integer(0) : 0;
  const std::string head_hash = rc == SQLITE_ROW ? head->text(1) : k_genesis_hash;
  if (head_seq != check.rows || head_hash != previous_hash) {
    check.problem = "the log ends at row " + std::to_string(check.rows) + " but its head records row " +
                    std::to_string(head_seq) + ": rows were deleted from the end, or the head was edited";
  }
  return check;
}

Result<void> Store::backup(const fs::path& destination) {
  std::error_code ec;
  if (fs::exists(destination, ec)) {
    return std::unexpected(Error{ErrorKind::conflict, destination.string() +
                                                          " already exists; a backup never overwrites a file"});
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(destination.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Connection target(raw);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(target.get(), rc, "write", destination));
  sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", m_db.get(), "main");
  if (!backup) return std::unexpected(sqlite_error(target.get(), sqlite3_errcode(target.get()), "write", destination));
  // Copy everything in one step; with WAL, writers elsewhere are not blocked meanwhile.
  rc = sqlite3_backup_step(backup, -1);
  const int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE || finished != SQLITE_OK) {
    const Error error = sqlite_error(target.get(), rc != SQLITE_DONE ? rc : finished, "write", destination);
    target.reset();
    fs::remove(destination, ec);
    return std::unexpected(error);
  }
  return {};
}

namespace {

constexpr std::string_view k_outbox_columns =
    "key, occurrence, step, member, kind, sequence, recipient, level, planned_at, late, status, "
    "attempts, message_id, detail, channel, next_attempt, enqueued_at, finished_at";

OutboxEntry outbox_from(const Statement& row) {
  return OutboxEntry{.key = row.text(0),
                     .occurrence = row.text(1),
                     .step = row.text(2),
                     .member = row.text(3),
                     .kind = row.text(4),
                     .sequence = row.integer(5),
                     .recipient = row.text(6),
                     .level = row.integer(7),
                     .planned_at = row.text(8),
                     .late = row.integer(9) != 0,
                     .status = row.text(10),
                     .attempts = row.integer(11),
                     .message_id = row.text(12),
                     .detail = row.text(13),
                     .channel = row.text(14),
                     .next_attempt = row.text(15),
                     .enqueued_at = row.text(16),
                     .finished_at = row.text(17)};
}

}  // namespace

Result<std::size_t> Store::enqueue(std::span<const OutboxEntry> entries, std::string_view enqueued_at,
                                   std::string_view last_run) {
  int rc = sqlite3_exec(m_db.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  Transaction transaction(m_db.get());
  auto insert = prepare(
      "INSERT OR IGNORE INTO outbox (key, occurrence, step, member, kind, sequence, recipient, level,"
      " planned_at, late, enqueued_at, status, channel) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
      " ?10, ?11, 'pending', ?12)");
  auto run = prepare("INSERT OR REPLACE INTO service_state (id, last_run) VALUES (1, ?1)");
  if (!insert) return std::unexpected(insert.error());
  if (!run) return std::unexpected(run.error());
  std::size_t added = 0;
  for (const OutboxEntry& e : entries) {
    insert->reset();
    insert->bind(1, e.key).bind(2, e.occurrence).bind(3, e.step).bind(4, e.member).bind(5, e.kind);
    insert->bind(6, e.sequence).bind(7, e.recipient).bind(8, e.level).bind(9, e.planned_at);
    insert->bind(10, std::int64_t{e.late ? 1 : 0}).bind(11, enqueued_at).bind(12, e.channel);
    if ((rc = insert->step()) != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
    added += static_cast<std::size_t>(sqlite3_changes(m_db.get()));
  }
  run->bind(1, last_run);
  if ((rc = run->step()) != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  if ((rc = transaction.commit()) != SQLITE_OK) {
    return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  }
  return added;
}

Result<std::optional<std::string>> Store::last_run() {
  auto statement = prepare("SELECT last_run FROM service_state WHERE id = 1");
  if (!statement) return std::unexpected(statement.error());
  const int rc = statement->step();
  if (rc == SQLITE_DONE) return std::optional<std::string>{};
  if (rc != SQLITE_ROW) return std::unexpected(sqlite_error(m_db.get(), rc, "read", m_path));
  return std::optional{statement->text(0)};
}

Result<std::vector<OutboxEntry>> Store::pending_outbox() {
  std::vector<OutboxEntry> entries;
  auto statement = prepare("SELECT " + std::string(k_outbox_columns) +
                           " FROM outbox WHERE status = 'pending' ORDER BY planned_at, key, channel");
  if (!statement) return std::unexpected(statement.error());
  int rc = SQLITE_ROW;
  while ((rc = statement->step()) == SQLITE_ROW) entries.push_back(outbox_from(*statement));
  if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), rc, "read", m_path));
  return entries;
}

Result<std::vector<OutboxEntry>> Store::outbox() {
  std::vector<OutboxEntry> entries;
  if (m_version < 2) return entries;
  auto statement = prepare("SELECT " + std::string(k_outbox_columns) + " FROM outbox ORDER BY key, channel");
  if (!statement) return std::unexpected(statement.error());
  int rc = SQLITE_ROW;
  while ((rc = statement->step()) == SQLITE_ROW) entries.push_back(outbox_from(*statement));
  if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), rc, "read", m_path));
  return entries;
}

Result<void> Store::finish(std::span<const std::string> keys, std::string_view channel,
                           const Outcome& outcome) {
  int rc = sqlite3_exec(m_db.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  Transaction transaction(m_db.get());
  auto update = prepare(
      "UPDATE outbox SET status = ?3, attempts = attempts + 1, finished_at = ?4, message_id = ?5,"
      " detail = ?6, next_attempt = ?7,"
      " enqueued_at = CASE enqueued_at WHEN '' THEN ?8 ELSE enqueued_at END"
      " WHERE key = ?1 AND channel = ?2 AND status = 'pending'");
  if (!update) return std::unexpected(update.error());
  const bool finished = outcome.status != "pending";
  for (const std::string& key : keys) {
    update->reset();
    update->bind(1, key).bind(2, channel).bind(3, outcome.status);
    update->bind(4, finished ? outcome.at : std::string_view("")).bind(5, outcome.message_id);
    update->bind(6, outcome.detail).bind(7, finished ? std::string_view("") : outcome.next_attempt);
    update->bind(8, outcome.at);
    if ((rc = update->step()) != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  }
  if ((rc = transaction.commit()) != SQLITE_OK) {
    return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  }
  return {};
}

namespace {

constexpr std::string_view k_requeue =
    "UPDATE outbox SET status = 'pending', next_attempt = '', finished_at = '', announced = 0,"
    " enqueued_at = ''";

}  // namespace

Result<std::size_t> Store::requeue(std::string_view where, std::string_view value) {
  int rc = sqlite3_exec(m_db.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  Transaction transaction(m_db.get());
  auto update = prepare(std::string(k_requeue) + " WHERE " + std::string(where));
  if (!update) return std::unexpected(update.error());
  update->bind(1, value);
  if ((rc = update->step()) != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  const auto changed = static_cast<std::size_t>(sqlite3_changes(m_db.get()));
  if ((rc = transaction.commit()) != SQLITE_OK) {
    return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  }
  return changed;
}

Result<std::size_t> Store::retry(std::string_view key) {
  return requeue("key = ?1 AND status IN ('pending', 'dead')", key);
}

Result<std::size_t> Store::retry_channel(std::string_view channel) {
  return requeue("channel = ?1 AND status = 'dead'", channel);
}

Result<std::vector<OutboxEntry>> Store::unannounced_dead() {
  std::vector<OutboxEntry> entries;
  auto statement = prepare("SELECT " + std::string(k_outbox_columns) +
                           " FROM outbox WHERE status = 'dead' AND announced = 0 ORDER BY key, channel");
  if (!statement) return std::unexpected(statement.error());
  int rc = SQLITE_ROW;
  while ((rc = statement->step()) == SQLITE_ROW) entries.push_back(outbox_from(*statement));
  if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), rc, "read", m_path));
  return entries;
}

Result<void> Store::mark_announced(std::span<const OutboxEntry> entries) {
  int rc = sqlite3_exec(m_db.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  Transaction transaction(m_db.get());
  auto update = prepare("UPDATE outbox SET announced = 1 WHERE key = ?1 AND channel = ?2");
  if (!update) return std::unexpected(update.error());
  for (const OutboxEntry& entry : entries) {
    update->reset();
    update->bind(1, entry.key).bind(2, entry.channel);
    if ((rc = update->step()) != SQLITE_DONE) return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  }
  if ((rc = transaction.commit()) != SQLITE_OK) {
    return std::unexpected(sqlite_error(m_db.get(), rc, "write", m_path));
  }
  return {};
}

Result<void> Store::limit_pages(std::int64_t pages) {
  return execute("PRAGMA max_page_count = " + std::to_string(pages));
}

}  // namespace scadenzario::store
