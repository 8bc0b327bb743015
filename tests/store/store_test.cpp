// The state database on real files on disk: creating and migrating it, refusing the
// files it must not touch (too new, corrupt, read-only, missing), a full disk that
// loses nothing, the rules of apply, the tamper-evident audit chain, backups, and two
// connections writing the same file.
#include "store/store.hpp"

#include "support/temporary_directory.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace scadenzario::store {
namespace {

namespace fs = std::filesystem;

const std::string k_at = "2027-01-28T10:15:00Z";

using TempDir = test::TemporaryDirectory;

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Overwrites bytes [offset, offset + count) of `path` in place.
void overwrite(const fs::path& path, std::streamoff offset, std::size_t count, char byte) {
  std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
  file.seekp(offset);
  const std::string filler(count, byte);
  file.write(filler.data(), static_cast<std::streamsize>(filler.size()));
}

// A raw SQLite connection, independent of the store: what another program (or an
// attacker with write access) sees and does.
struct RawDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using RawDb = std::unique_ptr<sqlite3, RawDeleter>;

RawDb raw_open(const fs::path& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  RawDb owned(db);
  REQUIRE(rc == SQLITE_OK);
  return owned;
}

// Runs `sql`; returns "" on success, else SQLite's error message.
std::string raw_exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string error = rc == SQLITE_OK ? "" : (message ? message : sqlite3_errstr(rc));
  sqlite3_free(message);
  return error;
}

// Returns the first column of every row of `sql`, as text.
std::vector<std::string> raw_column(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> statement(raw, &sqlite3_finalize);
  std::vector<std::string> values;
  while (sqlite3_step(raw) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(raw, 0);
    values.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  return values;
}

std::string raw_value(sqlite3* db, const std::string& sql) {
  const auto values = raw_column(db, sql);
  REQUIRE(values.size() == 1);
  return values.front();
}

Store open_store(const fs::path& path, Store::Access access = Store::Access::read_write) {
  auto store = Store::open(path, access);
  if (!store) FAIL("open failed: " << store.error().message);
  return std::move(*store);
}

std::string repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

// "piano-performance/2027" belongs to the act "piano-performance".
std::string act_of(const std::string& occurrence) { return occurrence.substr(0, occurrence.find('/')); }

StepChange change(ChangeKind kind, const std::string& occurrence, const std::string& step,
                  const std::string& member = "") {
  return StepChange{.kind = kind,
                    .key = {occurrence, step, member},
                    .act = act_of(occurrence),
                    .author = "mrossi",
                    .at = k_at,
                    .done_by = kind == ChangeKind::undone ? "" : "giunta",
                    .reference = kind == ChangeKind::undone ? "" : "Delibera di Giunta n. 12 del 28/01/2027",
                    .document_url = "",
                    .note = ""};
}

StepChange done(const std::string& occurrence, const std::string& step, const std::string& member = "") {
  return change(ChangeKind::done, occurrence, step, member);
}

std::vector<StepRecord> records_of(Store& store, std::vector<std::string> occurrences) {
  auto records = store.records(occurrences);
  if (!records) FAIL("records failed: " << records.error().message);
  return *records;
}

std::vector<StepKey> keys_of(const std::vector<StepRecord>& records) {
  std::vector<StepKey> keys;
  for (const StepRecord& record : records) keys.push_back(record.key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

AuditCheck verified(Store& store) {
  auto check = store.verify_audit();
  if (!check) FAIL("verify_audit failed: " << check.error().message);
  return *check;
}

std::vector<AuditRow> audit_rows(Store& store) {
  std::vector<AuditRow> rows;
  auto walked = store.for_each_audit_row([&](const AuditRow& row) { rows.push_back(row); });
  if (!walked) FAIL("for_each_audit_row failed: " << walked.error().message);
  return rows;
}

void require_applied(Store& store, const StepChange& step_change) {
  auto applied = store.apply(step_change);
  if (!applied) FAIL("apply failed: " << applied.error().message);
}

// Four changes on two occurrences, the chain the tampering tests start from.
void record_four_changes(const fs::path& path) {
  Store store = open_store(path);
  require_applied(store, done("piano-performance/2027", "predisponi"));
  require_applied(store, done("piano-performance/2027", "approva"));
  require_applied(store, done("piao/2027", "predisponi"));
  require_applied(store, change(ChangeKind::undone, "piao/2027", "predisponi"));
}

// Tampering needs the append-only triggers out of the way first.
RawDb open_without_triggers(const fs::path& path) {
  RawDb db = raw_open(path);
  REQUIRE(raw_exec(db.get(), "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete") == "");
  return db;
}

std::string check_problem(const fs::path& path) {
  Store store = open_store(path);
  const AuditCheck check = verified(store);
  REQUIRE(check.problem.has_value());
  return *check.problem;
}

// The rows verify_audit found intact, before the first broken one.
std::int64_t intact_rows(const fs::path& path) {
  Store store = open_store(path);
  return verified(store).rows;
}

void record_one_change(const fs::path& path) {
  Store store = open_store(path);
  require_applied(store, done("piano-performance/2027", "approva"));
}

std::string read_only_message(const std::string& what, const fs::path& path) {
  return "cannot " + what + " the state database " + path.string() +
         ": it is read-only (check the permissions of the file and of its directory)";
}

std::string corrupt_message(const fs::path& path, const std::string& detail) {
  return "the state database " + path.string() + " is damaged or not a scadenzario database (" +
         detail + "); it was not modified: restore a backup";
}

}  // namespace

// --- opening and migrating -------------------------------------------------------------

TEST_CASE("Store: open read_write creates the file in WAL mode at the current schema version",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  Store store = open_store(path);
  CHECK(fs::exists(path));
  CHECK(store.schema_version() == k_schema_version);
  CHECK(store.path() == path);

  RawDb raw = raw_open(path);
  CHECK(raw_value(raw.get(), "PRAGMA journal_mode") == "wal");
  CHECK(raw_value(raw.get(), "PRAGMA user_version") == std::to_string(k_schema_version));
  CHECK(raw_column(raw.get(), "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") ==
        std::vector<std::string>{"audit", "audit_head", "occurrence", "outbox", "service_state",
                                 "step_state"});
  CHECK(raw_column(raw.get(), "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name") ==
        std::vector<std::string>{"audit_no_delete", "audit_no_update"});
}

TEST_CASE("Store: a new database file is private to its owner; run as root, it is its directory's owner's",
          "[store]") {
  const TempDir dir;
  REQUIRE(Store::open(dir / "state.db", Store::Access::read_write));
  CHECK((fs::status(dir / "state.db").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  if (::geteuid() != 0) {
    WARN("not root: the ownership rule for commands run as root is not exercised");
    return;
  }
  const fs::path service = dir / "servizio";
  fs::create_directory(service);
  REQUIRE(::chown(service.c_str(), 65534, 65534) == 0);  // nobody:nogroup, as the service's user
  auto store = Store::open(service / "state.db", Store::Access::read_write);
  REQUIRE(store);
  REQUIRE(store->apply(StepChange{.key = {"piano/2027", "approva", ""}, .act = "piano", .author = "root",
                                  .at = k_at, .done_by = "Giunta", .reference = "Delibera n. 1"}));
  for (const char* name : {"state.db", "state.db-wal", "state.db-shm"}) {
    struct stat info {};
    REQUIRE(::stat((service / name).c_str(), &info) == 0);
    INFO(name);
    CHECK(info.st_uid == 65534u);
  }
}

TEST_CASE("Store: a state file that is a link into a directory others may write is refused", "[store]") {
  const TempDir dir;
  const fs::path open = dir / "aperta";
  fs::create_directory(open);
  fs::permissions(open, fs::perms::all);
  fs::create_symlink(open / "state.db", dir / "state.db");
  const auto store = Store::open(dir / "state.db", Store::Access::read_write);
  REQUIRE_FALSE(store);
  CHECK(store.error().message == "refusing the state database " + (dir / "state.db").string() +
                                     ": its directory " + open.string() +
                                     " is writable by others (mode 0777), who could replace the database and its "
                                     "audit log; chmod o-w " + open.string() + " or choose another state_db");
  CHECK_FALSE(fs::exists(open / "state.db"));
}

TEST_CASE("Store: a version-1 database (before the outbox) is migrated, records and audit kept",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state-v1.db";
  {
    RawDb raw = raw_open(path);
    std::ifstream schema(std::string(SCADENZARIO_TEST_DATA) + "/schema-v1.sql");
    std::stringstream sql;
    sql << schema.rdbuf();
    REQUIRE(raw_exec(raw.get(), sql.str()) == "");
    AuditRow row{.seq = 1, .at = "2027-01-28T10:00:00Z", .author = "mrossi", .action = "done",
                 .act = "piano-performance", .occurrence = "piano-performance/2027",
                 .step = "approva", .member = "", .done_by = "mrossi",
                 .reference = "Delibera n. 5", .prev_hash = k_genesis_hash};
    row.hash = audit_row_hash(row);
    REQUIRE(raw_exec(raw.get(),
                     "INSERT INTO occurrence VALUES ('piano-performance/2027', 'piano-performance');"
                     "INSERT INTO step_state VALUES ('piano-performance/2027', 'approva', '', 'done',"
                     " 'mrossi', '2027-01-28T10:00:00Z', 'Delibera n. 5', '', '', 0);"
                     "INSERT INTO audit VALUES (1, '" + row.at + "', 'mrossi', 'done', "
                     "'piano-performance', 'piano-performance/2027', 'approva', '', 'mrossi', "
                     "'Delibera n. 5', '', '', 0, '" + row.prev_hash + "', '" + row.hash + "');"
                     "INSERT INTO audit_head VALUES (1, 1, '" + row.hash + "');"
                     "PRAGMA user_version = 1;") == "");
  }
  Store store = open_store(path);
  CHECK(store.schema_version() == k_schema_version);
  const auto records = store.records(std::vector<std::string>{"piano-performance/2027"});
  REQUIRE(records.has_value());
  REQUIRE(records->size() == 1);
  CHECK(records->front().reference == "Delibera n. 5");
  const auto check = store.verify_audit();
  REQUIRE(check.has_value());
  CHECK(check->rows == 1);
  CHECK_FALSE(check->problem.has_value());
  const auto outbox = store.outbox();
  REQUIRE(outbox.has_value());
  CHECK(outbox->empty());
}

TEST_CASE("Store: the outbox enqueues each key once and records the last run", "[store]") {
  TempDir dir;
  Store store = open_store(dir / "state.db");
  const std::vector<OutboxEntry> entries = {
      {.key = "a/2027/s//reminder/7/giunta", .occurrence = "a/2027", .step = "s", .kind = "reminder",
       .sequence = 7, .recipient = "giunta", .planned_at = "2027-01-22T09:00"},
      {.key = "a/2027/s//reminder/1/giunta", .occurrence = "a/2027", .step = "s", .kind = "reminder",
       .sequence = 1, .recipient = "giunta", .planned_at = "2027-01-28T09:00"}};
  CHECK(store.last_run().value() == std::nullopt);
  CHECK(store.enqueue(entries, "2027-01-28T08:00:00Z", "2027-01-28T09:00").value() == 2);
  CHECK(store.enqueue(entries, "2027-01-28T08:05:00Z", "2027-01-28T09:05").value() == 0);
  CHECK(store.last_run().value() == std::optional<std::string>{"2027-01-28T09:05"});
  auto pending = store.pending_outbox().value();
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].planned_at == "2027-01-22T09:00");
  const std::vector<std::string> sent = {pending[0].key};
  REQUIRE(store.finish(sent, "mail", {.status = "sent", .message_id = "abc", .detail = "delivered",
                                      .at = "2027-01-28T08:06:00Z"}).has_value());
  pending = store.pending_outbox().value();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].key == "a/2027/s//reminder/1/giunta");
  const auto all = store.outbox().value();
  CHECK(all[1].status == "sent");
  CHECK(all[1].message_id == "abc");
}

TEST_CASE("Store: one delivery per key and channel, each with its own attempts and retry time",
          "[store]") {
  TempDir dir;
  Store store = open_store(dir / "state.db");
  const std::string key = "a/2027/s//reminder/7/giunta";
  std::vector<OutboxEntry> entries(2, OutboxEntry{.key = key, .occurrence = "a/2027", .step = "s",
                                                  .kind = "reminder", .sequence = 7,
                                                  .recipient = "giunta",
                                                  .planned_at = "2027-01-22T09:00"});
  entries[1].channel = "webhook:teams";
  REQUIRE(store.enqueue(entries, "2027-01-22T08:00:00Z", "2027-01-22T09:00").value() == 2);
  REQUIRE(store.enqueue(entries, "2027-01-22T08:01:00Z", "2027-01-22T09:01").value() == 0);
  const std::vector<std::string> keys = {key};
  REQUIRE(store.finish(keys, "mail", {.status = "sent", .message_id = "m1", .at = "2027-01-22T08:00:01Z"}));
  REQUIRE(store.finish(keys, "webhook:teams", {.status = "pending", .detail = "HTTP 503",
                                               .at = "2027-01-22T08:00:01Z",
                                               .next_attempt = "2027-01-22T08:01:01Z"}));
  auto pending = store.pending_outbox().value();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].channel == "webhook:teams");
  CHECK(pending[0].attempts == 1);
  CHECK(pending[0].next_attempt == "2027-01-22T08:01:01Z");
  CHECK(pending[0].detail == "HTTP 503");
  CHECK(pending[0].enqueued_at == "2027-01-22T08:00:00Z");
  CHECK(pending[0].finished_at.empty());

  // Dead: announced once; `outbox retry` puts it back, due at once, to be announced again.
  REQUIRE(store.finish(keys, "webhook:teams", {.status = "dead", .detail = "HTTP 410",
                                               .at = "2027-01-22T08:01:02Z"}));
  CHECK(store.pending_outbox().value().empty());
  auto dead = store.unannounced_dead().value();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].finished_at == "2027-01-22T08:01:02Z");
  REQUIRE(store.mark_announced(dead));
  CHECK(store.unannounced_dead().value().empty());
  CHECK(store.retry(key).value() == 1);  // the sent e-mail stays sent
  pending = store.pending_outbox().value();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].channel == "webhook:teams");
  CHECK(pending[0].next_attempt.empty());
  CHECK(pending[0].enqueued_at.empty());  // the maximum age starts again at the next attempt
  REQUIRE(store.finish(keys, "webhook:teams", {.status = "pending", .at = "2027-01-23T08:00:00Z",
                                               .next_attempt = "2027-01-23T08:01:00Z"}));
  CHECK(store.pending_outbox().value()[0].enqueued_at == "2027-01-23T08:00:00Z");
  CHECK(store.retry("no/such/key").value() == 0);

  // A channel's dead letters, after a fix of its configuration: that channel's only.
  REQUIRE(store.finish(keys, "webhook:teams", {.status = "dead", .detail = "HTTP 401",
                                               .at = "2027-01-23T08:01:00Z"}));
  CHECK(store.retry_channel("mail").value() == 0);  // the e-mail is sent, not dead
  CHECK(store.retry_channel("webhook:teams").value() == 1);
  CHECK(store.pending_outbox().value().size() == 1);
  CHECK(store.retry_channel("webhook:teams").value() == 0);  // pending is not dead
}

TEST_CASE("Store: a version-2 database is migrated: its outbox rows become e-mail deliveries",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state-v2.db";
  {
    RawDb raw = raw_open(path);
    for (const char* file : {"/schema-v1.sql", "/schema-v2-outbox.sql"}) {
      std::ifstream schema(std::string(SCADENZARIO_TEST_DATA) + file);
      std::stringstream sql;
      sql << schema.rdbuf();
      REQUIRE(raw_exec(raw.get(), sql.str()) == "");
    }
    REQUIRE(raw_exec(raw.get(),
                     "INSERT INTO outbox (key, occurrence, step, member, kind, sequence, recipient,"
                     " level, planned_at, late, enqueued_at, status, attempts, detail) VALUES"
                     " ('k1', 'a/2027', 's', '', 'reminder', 7, 'giunta', 0, '2027-01-22T09:00', 0,"
                     "  '2027-01-22T08:00:00Z', 'pending', 2, 'disk full'),"
                     " ('k2', 'a/2027', 's', '', 'reminder', 1, 'giunta', 0, '2027-01-28T09:00', 0,"
                     "  '2027-01-28T08:00:00Z', 'dead', 1, 'no people');"
                     "INSERT INTO service_state VALUES (1, '2027-01-28T09:00');") == "");
  }
  Store store = open_store(path);
  CHECK(store.schema_version() == k_schema_version);
  const auto all = store.outbox().value();
  REQUIRE(all.size() == 2);
  CHECK(all[0].key == "k1");
  CHECK(all[0].channel == "mail");
  CHECK(all[0].status == "pending");
  CHECK(all[0].attempts == 2);
  CHECK(all[0].detail == "disk full");
  CHECK(all[0].next_attempt.empty());
  CHECK(all[1].status == "dead");
  CHECK(store.unannounced_dead().value().empty());  // the old service already logged it
  CHECK(store.last_run().value() == std::optional<std::string>{"2027-01-28T09:00"});
  CHECK(store.enqueue(std::vector<OutboxEntry>{all[0]}, "2027-01-29T08:00:00Z", "2027-01-29T09:00").value() == 0);
}

TEST_CASE("Store: the store's connection enforces foreign keys (a step state cannot be orphaned)",
          "[store]") {
  // foreign_keys is a per-connection setting, so it is observed through the store's own
  // writes: a trigger (added by another connection, which does not enforce them) deletes
  // the occurrence a new step state refers to, and the store must refuse the change.
  TempDir dir;
  const fs::path path = dir / "state.db";
  Store store = open_store(path);
  {
    RawDb raw = raw_open(path);
    REQUIRE(raw_value(raw.get(), "PRAGMA foreign_keys") == "0");
    REQUIRE(raw_exec(raw.get(), "CREATE TRIGGER orphan AFTER INSERT ON audit BEGIN "
                                "DELETE FROM occurrence WHERE key = NEW.occurrence; END") == "");
  }
  const auto applied = store.apply(done("piano-performance/2027", "approva"));
  REQUIRE_FALSE(applied.has_value());
  CHECK(applied.error().kind == ErrorKind::io);
  CHECK(applied.error().message ==
        "cannot write the state database " + path.string() + ": FOREIGN KEY constraint failed");
  CHECK(records_of(store, {"piano-performance/2027"}).empty());
  CHECK(verified(store).rows == 0);
}

TEST_CASE("Store: an existing empty file (schema version 0) is migrated to the current version",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  write_bytes(path, "");
  Store store = open_store(path);
  CHECK(store.schema_version() == k_schema_version);
  require_applied(store, done("piano-performance/2027", "approva"));
  CHECK(records_of(store, {"piano-performance/2027"}).size() == 1);

  RawDb raw = raw_open(path);
  CHECK(raw_value(raw.get(), "PRAGMA journal_mode") == "wal");
  CHECK(raw_value(raw.get(), "PRAGMA user_version") == std::to_string(k_schema_version));
}

TEST_CASE("Store: a database whose only content is user_version 0 is migrated to the current "
          "version",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  {
    RawDb raw = raw_open(path);
    REQUIRE(raw_exec(raw.get(), "PRAGMA user_version = 0") == "");
  }
  REQUIRE(fs::file_size(path) > 0);  // a real SQLite file, not an empty one
  Store store = open_store(path);
  CHECK(store.schema_version() == k_schema_version);
  require_applied(store, done("piano-performance/2027", "approva"));
  CHECK(verified(store).rows == 1);

  RawDb raw = raw_open(path);
  CHECK(raw_value(raw.get(), "PRAGMA journal_mode") == "wal");
  CHECK(raw_value(raw.get(), "PRAGMA user_version") == std::to_string(k_schema_version));
}

TEST_CASE("Store: reopening a current database neither recreates its tables nor loses data",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  {
    Store store = open_store(path);
    require_applied(store, done("piano-performance/2027", "predisponi"));
    require_applied(store, done("piano-performance/2027", "approva"));
  }
  const std::string schema_query = "SELECT type || ' ' || name || ' ' || rootpage FROM sqlite_master ORDER BY name";
  const auto schema_before = raw_column(raw_open(path).get(), schema_query);

  for (int reopen = 0; reopen < 2; ++reopen) {
    Store store = open_store(path);
    CHECK(store.schema_version() == k_schema_version);
    CHECK(keys_of(records_of(store, {"piano-performance/2027"})) ==
          std::vector<StepKey>{{"piano-performance/2027", "approva", ""},
                               {"piano-performance/2027", "predisponi", ""}});
    const AuditCheck check = verified(store);
    CHECK(check.rows == 2);
    CHECK_FALSE(check.problem.has_value());
  }
  CHECK(raw_column(raw_open(path).get(), schema_query) == schema_before);
}

TEST_CASE("Store: a read_only open of an empty file (schema version 0) reads as no records",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  write_bytes(path, "");
  Store store = open_store(path, Store::Access::read_only);
  CHECK(store.schema_version() == 0);
  CHECK(records_of(store, {"piano-performance/2027"}).empty());
  CHECK(verified(store).rows == 0);
  CHECK(fs::file_size(path) == 0);  // reading never migrates
}

// --- files the store must not touch -----------------------------------------------------

TEST_CASE("Store: a database from a newer scadenzario is refused (too_new) and left unchanged",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  {
    RawDb raw = raw_open(path);
    REQUIRE(raw_exec(raw.get(), "CREATE TABLE future (x); PRAGMA user_version = " +
                                    std::to_string(k_schema_version + 1)) == "");
  }
  const std::string before = read_bytes(path);
  const std::string message = "the state database " + path.string() + " has schema version " +
                              std::to_string(k_schema_version + 1) + ", newer than this scadenzario (" +
                              std::to_string(k_schema_version) +
                              "): upgrade scadenzario; the file was not modified";
  for (const auto access : {Store::Access::read_write, Store::Access::read_only}) {
    const auto store = Store::open(path, access);
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().kind == ErrorKind::too_new);
    CHECK(store.error().message == message);
  }
  CHECK(read_bytes(path) == before);
  CHECK_FALSE(fs::exists(path.string() + "-wal"));
}

TEST_CASE("Store: a file that is not a database is refused (corrupt) and left unchanged", "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  std::string text;
  while (text.size() < 8192) text += "scadenze del comune, non un database SQLite\n";
  text.resize(8192);
  write_bytes(path, text);
  for (const auto access : {Store::Access::read_write, Store::Access::read_only}) {
    const auto store = Store::open(path, access);
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().kind == ErrorKind::corrupt);
    CHECK(store.error().message == corrupt_message(path, "file is not a database"));
  }
  CHECK(read_bytes(path) == text);
}

TEST_CASE("Store: a database with damaged pages fails the operation that reads them (corrupt) "
          "and is never repaired",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  {
    Store store = open_store(path);
    for (int i = 0; i < 40; ++i) {
      require_applied(store, done("piano-performance/2027", "passo-" + std::to_string(i)));
    }
  }
  REQUIRE(raw_value(raw_open(path).get(), "PRAGMA page_size") == "4096");
  REQUIRE(fs::file_size(path) > 8192);
  // Page 2 holds the occurrence table, which every read of records and every done joins.
  overwrite(path, 4096, 4096, '\xFF');
  const std::string damaged = read_bytes(path);
  const std::string message = corrupt_message(path, "database disk image is malformed");
  {
    Store store = open_store(path);  // page 1 is intact: the damage shows on first use

    const auto records = store.records(std::vector<std::string>{"piano-performance/2027"});
    REQUIRE_FALSE(records.has_value());
    CHECK(records.error().kind == ErrorKind::corrupt);
    CHECK(records.error().message == message);

    const auto applied = store.apply(done("piano-performance/2027", "nuovo"));
    REQUIRE_FALSE(applied.has_value());
    CHECK(applied.error().kind == ErrorKind::corrupt);
    CHECK(applied.error().message == message);
  }
  CHECK(read_bytes(path) == damaged);
}

TEST_CASE("Store: a database whose schema page is damaged is refused on open (corrupt) and left "
          "unchanged",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  {
    Store store = open_store(path);
    require_applied(store, done("piano-performance/2027", "approva"));
  }
  overwrite(path, 200, 3800, '\xFF');  // page 1 after its 100-byte header: the schema
  const std::string damaged = read_bytes(path);
  const auto store = Store::open(path, Store::Access::read_write);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().kind == ErrorKind::corrupt);
  CHECK(store.error().message == corrupt_message(path, "database disk image is malformed"));
  CHECK(read_bytes(path) == damaged);
}

TEST_CASE("Store: a read_only open of a missing file is not_found and creates nothing", "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  const auto store = Store::open(path, Store::Access::read_only);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().kind == ErrorKind::not_found);
  CHECK(store.error().message == "no state database at " + path.string());
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("Store: a write through a read_only store is refused with a read_only error", "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  record_one_change(path);
  const std::string before = read_bytes(path);
  Store store = open_store(path, Store::Access::read_only);
  const auto applied = store.apply(done("piano-performance/2027", "predisponi"));
  REQUIRE_FALSE(applied.has_value());
  CHECK(applied.error().kind == ErrorKind::read_only);
  CHECK(applied.error().message == read_only_message("write", path));
  CHECK(records_of(store, {"piano-performance/2027"}).size() == 1);
  CHECK(read_bytes(path) == before);
}

// SQLite reports SQLITE_READONLY_DIRECTORY (it cannot create the WAL index beside the
// file) on the open's first read: the store words it as a failure to open.
TEST_CASE("Store: a read-only database file in a read-only directory is refused on open with a "
          "read_only error",
          "[store]") {
  if (geteuid() == 0) {
    WARN("running as root: file permissions are ineffective; the read_only error is checked "
         "through Access::read_only by \"a write through a read_only store is refused\"");
    return;
  }
  TempDir dir;
  const fs::path folder = dir / "stato";
  fs::create_directories(folder);
  const fs::path path = folder / "state.db";
  record_one_change(path);
  const std::string before = read_bytes(path);
  fs::permissions(path, fs::perms(0444));
  fs::permissions(folder, fs::perms(0555));
  const auto store = Store::open(path, Store::Access::read_write);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().kind == ErrorKind::read_only);
  CHECK(store.error().message == read_only_message("open", path));
  CHECK(read_bytes(path) == before);
}

TEST_CASE("Store: a read-only database file in a writable directory opens, and its first write "
          "is refused with a read_only error",
          "[store]") {
  if (geteuid() == 0) {
    WARN("running as root: file permissions are ineffective; the read_only error is checked "
         "through Access::read_only by \"a write through a read_only store is refused\"");
    return;
  }
  TempDir dir;
  const fs::path path = dir / "state.db";
  record_one_change(path);
  const std::string before = read_bytes(path);
  fs::permissions(path, fs::perms(0444));
  Store store = open_store(path);
  CHECK(records_of(store, {"piano-performance/2027"}).size() == 1);
  const auto applied = store.apply(done("piano-performance/2027", "predisponi"));
  REQUIRE_FALSE(applied.has_value());
  CHECK(applied.error().kind == ErrorKind::read_only);
  CHECK(applied.error().message == read_only_message("write", path));
  CHECK(read_bytes(path) == before);
}

// --- a full disk ------------------------------------------------------------------------

TEST_CASE("Store: a full disk fails the change (full) and keeps every earlier change whole",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  Store store = open_store(path);
  REQUIRE(store.limit_pages(12).has_value());

  std::vector<std::string> occurrences;
  std::optional<Error> failure;
  for (int i = 0; i < 1000 && !failure; ++i) {
    StepChange step_change = done("piano-performance/" + std::to_string(2000 + i), "approva");
    step_change.note = std::string(400, 'n');  // fill pages quickly
    if (auto applied = store.apply(step_change); applied) {
      occurrences.push_back(step_change.key.occurrence);
    } else {
      failure = applied.error();
    }
  }
  REQUIRE(failure.has_value());
  REQUIRE_FALSE(occurrences.empty());
  CHECK(failure->kind == ErrorKind::full);
  CHECK(failure->message ==
        "cannot write the state database " + path.string() + ": the disk is full; nothing was recorded");

  const auto count = static_cast<std::int64_t>(occurrences.size());
  auto all = occurrences;
  all.push_back("piano-performance/" + std::to_string(2000 + occurrences.size()));  // the failed one
  CHECK(static_cast<std::int64_t>(records_of(store, all).size()) == count);
  AuditCheck check = verified(store);
  CHECK(check.rows == count);
  CHECK_FALSE(check.problem.has_value());

  const auto rows_in = [&](const std::string& table) {
    return raw_value(raw_open(path).get(), "SELECT count(*) FROM " + table);
  };
  CHECK(rows_in("occurrence") == std::to_string(count));
  CHECK(rows_in("step_state") == std::to_string(count));
  CHECK(rows_in("audit") == std::to_string(count));

  // Once there is room again (a new connection has no page limit) the file is usable.
  Store later = open_store(path);
  CHECK(static_cast<std::int64_t>(records_of(later, all).size()) == count);
  require_applied(later, done(all.back(), "approva"));
  check = verified(later);
  CHECK(check.rows == count + 1);
  CHECK_FALSE(check.problem.has_value());
}

// --- apply: the rules of progress the store itself enforces ----------------------------

TEST_CASE("Store: a step recorded done is returned by records with every field", "[store]") {
  TempDir dir;
  Store store = open_store(dir / "state.db");
  StepChange step_change = done("piano-performance/2027", "approva");
  step_change.document_url = "https://albo.example.it/12";
  step_change.note = "approvato all'unanimità";
  step_change.forced = true;
  require_applied(store, step_change);

  const auto records = records_of(store, {"piano-performance/2027"});
  REQUIRE(records.size() == 1);
  const StepRecord& record = records.front();
  CHECK(record.key == StepKey{"piano-performance/2027", "approva", ""});
  CHECK(record.act == "piano-performance");
  CHECK(record.status == StepStatus::done);
  CHECK(record.done_by == "giunta");
  CHECK(record.recorded_at == k_at);
  CHECK(record.reference == "Delibera di Giunta n. 12 del 28/01/2027");
  CHECK(record.document_url == "https://albo.example.it/12");
  CHECK(record.note == "approvato all'unanimità");
  CHECK(record.forced);
  CHECK(records_of(store, {"piano-performance/2026"}).empty());

  const auto history = store.history("piano-performance");
  REQUIRE(history.has_value());
  REQUIRE(history->size() == 1);
  CHECK(history->front().action == "done");
  CHECK(history->front().author == "mrossi");
  CHECK(history->front().forced);
}

TEST_CASE("Store: recording a step already done is a conflict naming the first record", "[store]") {
  TempDir dir;
  Store store = open_store(dir / "state.db");
  require_applied(store, done("piano-performance/2027", "approva"));
  StepChange again = done("piano-performance/2027", "approva");
  again.done_by = "sindaco";
  const auto applied = store.apply(again);
  REQUIRE_FALSE(applied.has_value());
  CHECK(applied.error().kind == ErrorKind::conflict);
  CHECK(applied.error().message ==
        "the step is already recorded as done by giunta at 2027-01-28T10:15:00Z; undo it first to "
        "record it again");
  const auto records = records_of(store, {"piano-performance/2027"});
  REQUIRE(records.size() == 1);
  CHECK(records.front().done_by == "giunta");
  CHECK(verified(store).rows == 1);
}

TEST_CASE("Store: undo of a pending step is a conflict and writes no audit row", "[store]") {
  TempDir dir;
  Store store = open_store(dir / "state.db");
  const auto applied = store.apply(change(ChangeKind::undone, "piano-performance/2027", "approva"));
  REQUIRE_FALSE(applied.has_value());
  CHECK(applied.error().kind == ErrorKind::conflict);
  CHECK(applied.error().message == "nothing to undo: the step is pending");
  CHECK(verified(store).rows == 0);
}

TEST_CASE("Store: waive, undo and done again are each recorded and audited in order", "[store]") {
  TempDir dir;
  Store store = open_store(dir / "state.db");
  const std::string occurrence = "piano-performance/2027";

  require_applied(store, change(ChangeKind::waived, occurrence, "parere"));
  auto records = records_of(store, {occurrence});
  REQUIRE(records.size() == 1);
  CHECK(records.front().status == StepStatus::waived);

  const auto waived_again = store.apply(done(occurrence, "parere"));
  REQUIRE_FALSE(waived_again.has_value());
  CHECK(waived_again.error().message ==
        "the step is already recorded as waived by giunta at 2027-01-28T10:15:00Z; undo it first to "
        "record it again");

  require_applied(store, change(ChangeKind::undone, occurrence, "parere"));
  CHECK(records_of(store, {occurrence}).empty());

  require_applied(store, done(occurrence, "parere"));
  records = records_of(store, {occurrence});
  REQUIRE(records.size() == 1);
  CHECK(records.front().status == StepStatus::done);

  const auto history = store.history("piano-performance");
  REQUIRE(history.has_value());
  std::vector<std::string> actions;
  for (const AuditRow& row : *history) actions.push_back(row.action);
  CHECK(actions == std::vector<std::string>{"waived", "undone", "done"});
}

TEST_CASE("Store: per-member states of the same step are independent", "[store]") {
  TempDir dir;
  Store store = open_store(dir / "state.db");
  const std::string occurrence = "valutazione/2026";
  require_applied(store, done(occurrence, "colloquio", "rossi"));
  require_applied(store, done(occurrence, "colloquio", "bianchi"));
  CHECK(keys_of(records_of(store, {occurrence})) ==
        std::vector<StepKey>{{occurrence, "colloquio", "bianchi"}, {occurrence, "colloquio", "rossi"}});

  require_applied(store, change(ChangeKind::undone, occurrence, "colloquio", "rossi"));
  CHECK(keys_of(records_of(store, {occurrence})) ==
        std::vector<StepKey>{{occurrence, "colloquio", "bianchi"}});

  const auto twice = store.apply(done(occurrence, "colloquio", "bianchi"));
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().kind == ErrorKind::conflict);
  const auto undo_pending = store.apply(change(ChangeKind::undone, occurrence, "colloquio", "rossi"));
  REQUIRE_FALSE(undo_pending.has_value());
  CHECK(undo_pending.error().message == "nothing to undo: the step is pending");
  require_applied(store, done(occurrence, "colloquio", "rossi"));
  CHECK(records_of(store, {occurrence}).size() == 2);
}

TEST_CASE("Store: a check that returns an error aborts the change with that error and writes "
          "nothing",
          "[store]") {
  TempDir dir;
  Store store = open_store(dir / "state.db");
  const std::vector<std::string> context{"piano-performance/2027"};
  const Error refusal{ErrorKind::conflict,
                      "\"approva\" cannot be done before \"predisponi\" (use --force to override)"};
  const auto applied = store.apply(done("piano-performance/2027", "approva"), context,
                                   [&](const StepStates&) { return std::optional<Error>(refusal); });
  REQUIRE_FALSE(applied.has_value());
  CHECK(applied.error().kind == ErrorKind::conflict);
  CHECK(applied.error().message == refusal.message);
  CHECK(records_of(store, context).empty());
  CHECK(verified(store).rows == 0);
  const auto history = store.history("piano-performance");
  REQUIRE(history.has_value());
  CHECK(history->empty());

  // A check that lets the change through writes it.
  REQUIRE(store.apply(done("piano-performance/2027", "approva"), context,
                      [](const StepStates&) { return std::optional<Error>(); })
              .has_value());
  CHECK(records_of(store, context).size() == 1);
}

TEST_CASE("Store: the check receives the records of the context occurrences only", "[store]") {
  TempDir dir;
  Store store = open_store(dir / "state.db");
  require_applied(store, done("piano-performance/2027", "predisponi"));
  require_applied(store, done("piano-performance/2027", "approva"));
  require_applied(store, done("piao/2027", "approva"));
  require_applied(store, done("relazione/2027", "approva"));

  std::size_t seen = 0;
  bool has_predisponi = false;
  bool has_piao = false;
  bool has_relazione = false;
  std::string predisponi_by;
  const std::vector<std::string> context{"piano-performance/2027", "piao/2027"};
  require_applied(store, done("piano-performance/2027", "pubblica"));  // before: not in the check
  const auto applied = store.apply(
      change(ChangeKind::undone, "piano-performance/2027", "pubblica"), context,
      [&](const StepStates& states) {
        seen = states.size();
        const StepRecord* predisponi = states.find("piano-performance/2027", "predisponi", "");
        has_predisponi = predisponi != nullptr;
        if (predisponi) predisponi_by = predisponi->done_by;
        has_piao = states.find("piao/2027", "approva", "") != nullptr;
        has_relazione = states.find("relazione/2027", "approva", "") != nullptr;
        return std::optional<Error>();
      });
  REQUIRE(applied.has_value());
  CHECK(seen == 4);  // predisponi, approva, pubblica (still recorded) and piao's approva
  CHECK(has_predisponi);
  CHECK(predisponi_by == "giunta");
  CHECK(has_piao);
  CHECK_FALSE(has_relazione);
}

// --- the audit chain --------------------------------------------------------------------

TEST_CASE("Store: the audit chain of N changes verifies with N rows, each linked to the last",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  Store store = open_store(path);
  CHECK(verified(store).rows == 0);
  CHECK_FALSE(verified(store).problem.has_value());
  record_four_changes(path);

  const AuditCheck check = verified(store);
  CHECK(check.rows == 4);
  CHECK_FALSE(check.problem.has_value());
  const auto rows = audit_rows(store);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].prev_hash == k_genesis_hash);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].seq == static_cast<std::int64_t>(i + 1));
    CHECK(rows[i].hash == audit_row_hash(rows[i]));
    if (i > 0) CHECK(rows[i].prev_hash == rows[i - 1].hash);
  }
  CHECK(rows[3].action == "undone");
}

TEST_CASE("Store: the audit table refuses UPDATE and DELETE while its triggers exist", "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  record_four_changes(path);
  RawDb raw = raw_open(path);
  CHECK(raw_exec(raw.get(), "UPDATE audit SET note = 'x' WHERE seq = 2") ==
        "the audit log is append-only");
  CHECK(raw_exec(raw.get(), "DELETE FROM audit WHERE seq = 2") == "the audit log is append-only");
  CHECK(raw_value(raw.get(), "SELECT count(*) FROM audit") == "4");
}

TEST_CASE("Store: verify_audit reports a row whose field was edited", "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  record_four_changes(path);
  {
    RawDb raw = open_without_triggers(path);
    REQUIRE(raw_exec(raw.get(), "UPDATE audit SET done_by = 'sindaco' WHERE seq = 2") == "");
  }
  CHECK(check_problem(path) == "row 2 was edited: its content does not match its hash");
  CHECK(intact_rows(path) == 1);
}

TEST_CASE("Store: verify_audit reports a deleted row where the chain jumps", "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  record_four_changes(path);
  {
    RawDb raw = open_without_triggers(path);
    REQUIRE(raw_exec(raw.get(), "DELETE FROM audit WHERE seq = 2") == "");
  }
  CHECK(check_problem(path) == "row 2 is missing (deleted), the chain jumps to 3");
  CHECK(intact_rows(path) == 1);
}

TEST_CASE("Store: verify_audit reports a row replaced by one with a recomputed hash but a wrong "
          "link",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  record_four_changes(path);
  AuditRow forged;
  {
    Store store = open_store(path);
    forged = audit_rows(store)[1];
  }
  forged.note = "forged";
  forged.prev_hash = std::string(64, 'a');
  forged.hash = audit_row_hash(forged);  // self-consistent, but not linked to row 1
  {
    RawDb raw = open_without_triggers(path);
    REQUIRE(raw_exec(raw.get(), "UPDATE audit SET note = 'forged', prev_hash = '" + forged.prev_hash +
                                    "', hash = '" + forged.hash + "' WHERE seq = 2") == "");
  }
  CHECK(check_problem(path) ==
        "row 2 does not follow the row before it (a row was inserted, replaced or edited)");
}

TEST_CASE("Store: verify_audit reports an edited row whose hash was recomputed at the next link",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  record_four_changes(path);
  AuditRow forged;
  {
    Store store = open_store(path);
    forged = audit_rows(store)[1];
  }
  forged.done_by = "sindaco";
  forged.hash = audit_row_hash(forged);  // linked to row 1 and self-consistent
  {
    RawDb raw = open_without_triggers(path);
    REQUIRE(raw_exec(raw.get(), "UPDATE audit SET done_by = 'sindaco', hash = '" + forged.hash +
                                    "' WHERE seq = 2") == "");
  }
  CHECK(check_problem(path) ==
        "row 3 does not follow the row before it (a row was inserted, replaced or edited)");
}

TEST_CASE("Store: verify_audit reports a forged row inserted between two others", "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  record_four_changes(path);
  AuditRow forged;
  {
    Store store = open_store(path);
    const auto rows = audit_rows(store);
    forged = rows[1];
    forged.step = "pubblica";
    forged.prev_hash = rows[0].hash;  // a perfect link to row 1
  }
  forged.hash = audit_row_hash(forged);
  {
    // Renumber rows 2..4 to 3..5 (through a detour, the key being unique), then insert the
    // forged row 2 and move the head so that only the chain itself can tell.
    RawDb raw = open_without_triggers(path);
    REQUIRE(raw_exec(raw.get(), "UPDATE audit SET seq = seq + 1000 WHERE seq >= 2;"
                                "UPDATE audit SET seq = seq - 999 WHERE seq >= 1000;"
                                "UPDATE audit_head SET seq = 5;") == "");
    REQUIRE(raw_exec(raw.get(),
                     "INSERT INTO audit SELECT 2, at, author, action, act, occurrence, 'pubblica', "
                     "member, done_by, reference, document_url, note, forced, '" +
                         forged.prev_hash + "', '" + forged.hash + "' FROM audit WHERE seq = 3") == "");
  }
  {
    Store store = open_store(path);
    REQUIRE(audit_rows(store).size() == 5);
  }
  CHECK(check_problem(path) ==
        "row 3 does not follow the row before it (a row was inserted, replaced or edited)");
}

TEST_CASE("Store: verify_audit reports rows deleted from the end through the head", "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  record_four_changes(path);
  {
    RawDb raw = open_without_triggers(path);
    REQUIRE(raw_exec(raw.get(), "DELETE FROM audit WHERE seq = 4") == "");
  }
  CHECK(check_problem(path) ==
        "the log ends at row 3 but its head records row 4: rows were deleted from the end, or the "
        "head was edited");
}

TEST_CASE("audit_row_hash: known vectors pin the canonical format", "[store]") {
  // Canonical string: prev_hash (64 hex digits, as is, not length-prefixed), then every
  // other field in column order as "<length in bytes>:<bytes>;", forced as "1" or "0".
  // The expected digests were computed once, independently, in Python 3:
  //   import hashlib
  //   hashlib.sha256(("0" * 64 + "1:1;20:2027-01-28T10:15:00Z;6:mrossi;4:done;"
  //       "17:piano-performance;22:piano-performance/2027;7:approva;0:;6:giunta;"
  //       "39:Delibera di Giunta n. 12 del 28/01/2027;26:https://albo.example.it/12;"
  //       "24:approvato all'unanimità;1:0;").encode()).hexdigest()
  //   hashlib.sha256(("ab" * 32 + "1:2;20:2027-02-03T09:00:00Z;6:mrossi;6:waived;"
  //       "11:valutazione;16:valutazione/2026;9:colloquio;7:bianchi;3:oiv;0:;0:;"
  //       "14:in aspettativa;1:1;").encode()).hexdigest()
  const AuditRow first{.seq = 1,
                       .at = "2027-01-28T10:15:00Z",
                       .author = "mrossi",
                       .action = "done",
                       .act = "piano-performance",
                       .occurrence = "piano-performance/2027",
                       .step = "approva",
                       .member = "",
                       .done_by = "giunta",
                       .reference = "Delibera di Giunta n. 12 del 28/01/2027",
                       .document_url = "https://albo.example.it/12",
                       .note = "approvato all'unanimità",  // non-ASCII: the length counts bytes
                       .forced = false,
                       .prev_hash = k_genesis_hash,
                       .hash = "ignored"};
  CHECK(audit_row_hash(first) == "51a634670b7ec088c67ff614e4673fa5e2b6896941e2bafc975e76c799ab9022");

  const AuditRow second{.seq = 2,
                        .at = "2027-02-03T09:00:00Z",
                        .author = "mrossi",
                        .action = "waived",
                        .act = "valutazione",
                        .occurrence = "valutazione/2026",
                        .step = "colloquio",
                        .member = "bianchi",
                        .done_by = "oiv",
                        .reference = "",
                        .document_url = "",
                        .note = "in aspettativa",
                        .forced = true,
                        .prev_hash = repeat("ab", 32),
                        .hash = ""};
  CHECK(audit_row_hash(second) == "47e33ebd6554928d1655d9b0f7423629842865a9ca43d5f0d55bd3467662c1b6");
}

TEST_CASE("audit_row_hash: every field counts, and lengths keep field boundaries apart",
          "[store]") {
  AuditRow row{.seq = 1, .act = "ab", .occurrence = "c", .prev_hash = k_genesis_hash};
  AuditRow shifted = row;
  shifted.act = "a";
  shifted.occurrence = "bc";
  CHECK(audit_row_hash(row) != audit_row_hash(shifted));
  AuditRow forced = row;
  forced.forced = true;
  CHECK(audit_row_hash(row) != audit_row_hash(forced));
  AuditRow relinked = row;
  relinked.prev_hash = std::string(64, 'f');
  CHECK(audit_row_hash(row) != audit_row_hash(relinked));
  AuditRow rehashed = row;
  rehashed.hash = "anything";  // the hash does not cover itself
  CHECK(audit_row_hash(row) == audit_row_hash(rehashed));
}

// --- backup -----------------------------------------------------------------------------

TEST_CASE("Store: backup writes a copy with the same records and a verifying audit chain",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  const fs::path copy = dir / "copy.db";
  record_four_changes(path);
  Store store = open_store(path);
  REQUIRE(store.backup(copy).has_value());

  const std::vector<std::string> occurrences{"piano-performance/2027", "piao/2027"};
  Store restored = open_store(copy, Store::Access::read_only);
  CHECK(restored.schema_version() == k_schema_version);
  CHECK(keys_of(records_of(restored, occurrences)) == keys_of(records_of(store, occurrences)));
  const AuditCheck check = verified(restored);
  CHECK(check.rows == 4);
  CHECK_FALSE(check.problem.has_value());
  const auto original_rows = audit_rows(store);
  const auto copied_rows = audit_rows(restored);
  REQUIRE(copied_rows.size() == original_rows.size());
  CHECK(copied_rows.back().hash == original_rows.back().hash);
}

TEST_CASE("Store: backup refuses an existing destination (conflict) and leaves it unchanged",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  const fs::path copy = dir / "copy.db";
  record_four_changes(path);
  write_bytes(copy, "the backup of last week\n");
  Store store = open_store(path);
  const auto backed_up = store.backup(copy);
  REQUIRE_FALSE(backed_up.has_value());
  CHECK(backed_up.error().kind == ErrorKind::conflict);
  CHECK(backed_up.error().message == copy.string() + " already exists; a backup never overwrites a file");
  CHECK(read_bytes(copy) == "the backup of last week\n");
}

// --- two connections on one file --------------------------------------------------------

TEST_CASE("Store: two stores on the same file apply changes alternately and lose none",
          "[store]") {
  TempDir dir;
  const fs::path path = dir / "state.db";
  Store first = open_store(path);
  Store second = open_store(path);
  std::vector<StepKey> expected;
  for (int i = 0; i < 10; ++i) {
    const std::string step = "passo-" + std::to_string(i);
    require_applied(first, done("piano-performance/2027", step, "rossi"));
    require_applied(second, done("piano-performance/2027", step, "bianchi"));
    expected.push_back({"piano-performance/2027", step, "rossi"});
    expected.push_back({"piano-performance/2027", step, "bianchi"});
  }
  std::sort(expected.begin(), expected.end());
  for (Store* store : {&first, &second}) {
    CHECK(keys_of(records_of(*store, {"piano-performance/2027"})) == expected);
    const AuditCheck check = verified(*store);
    CHECK(check.rows == 20);
    CHECK_FALSE(check.problem.has_value());
  }
  // Each sees the other's records: a second done through the other store is a conflict.
  const auto again = first.apply(done("piano-performance/2027", "passo-0", "bianchi"));
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().kind == ErrorKind::conflict);
}

}  // namespace scadenzario::store
