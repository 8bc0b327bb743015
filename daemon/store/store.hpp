// The state database: SQLite in WAL mode holding the recorded state of every step and
// the append-only, hash-chained audit log of every change. Safe to use from several
// processes at once (the command-line tool and the service): writes take the write
// lock first (BEGIN IMMEDIATE) and wait for it up to a timeout.
#pragma once

#include "core/step_state.hpp"
#include "store/audit_chain.hpp"
#include "store/sqlite.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace scadenzario::store {

// The schema version this build writes; older files are migrated forward on open.
constexpr int k_schema_version = 3;

enum class ChangeKind { done, waived, undone };

std::string_view to_string(ChangeKind kind);

// One change requested by a user: record a step done or waived, or undo that record.
struct StepChange {
  ChangeKind kind = ChangeKind::done;
  StepKey key;
  std::string act;
  std::string author;       // who makes the change (audited)
  std::string at;           // when, ISO 8601 UTC; passed in, never read here
  std::string done_by;      // who did the step (done/waived)
  std::string reference;
  std::string document_url;
  std::string note;
  bool forced = false;
};

// One delivery in the service's outbox: a notification through one channel ("mail", or
// "webhook:NAME"). The pair (key, channel) is enqueued once and finished once.
struct OutboxEntry {
  std::string key;
  std::string occurrence;
  std::string step;
  std::string member;
  std::string kind;  // "reminder" | "escalation"
  std::int64_t sequence = 0;
  std::string recipient;
  std::int64_t level = 0;
  std::string planned_at;  // local time "2027-01-07T09:00"
  bool late = false;
  std::string status = "pending";  // pending | sent | skipped | dead
  std::int64_t attempts = 0;
  std::string message_id;
  std::string detail;
  std::string channel = "mail";
  std::string next_attempt;  // UTC ISO 8601; empty: at once
  std::string enqueued_at;   // UTC ISO 8601; empty after `outbox retry`, until an attempt
  std::string finished_at;   // UTC ISO 8601; empty while pending
};

// How one attempt at a delivery ended.
struct Outcome {
  std::string_view status;      // "sent", "skipped", "dead", or "pending" (failed, retry)
  std::string_view message_id;
  std::string_view detail;
  std::string_view at;            // UTC ISO 8601: when it finished
  std::string_view next_attempt;  // UTC ISO 8601, for "pending": not before then
};

// The result of walking the audit chain.
struct AuditCheck {
  std::int64_t rows = 0;                // intact rows: all of them, or those before `problem`
  std::optional<std::string> problem;  // the first broken link, if any
};

class Store {
public:
  enum class Access { read_only, read_write };

  // Opens (read_write: creating if missing) and migrates the database at `path`.
  // A read-only open of a missing file gives ErrorKind::not_found.
  static Result<Store> open(const std::filesystem::path& path, Access access);

  // For a short-lived writer (one command of the command-line tool): on close, leave the
  // write-ahead log for the next writer instead of copying it into the database file.
  // The copy and its two extra fsyncs were a third of a `done`. The log stays durable;
  // SQLite checkpoints it when it passes 1000 pages, and the service when it stops.
  void leave_log_on_close();

  // How long a write waits for another process's write lock (10 s by default) before it
  // fails as busy. Tests shorten it to make a busy database fail in milliseconds.
  void set_busy_timeout(std::chrono::milliseconds timeout);

  int schema_version() const { return m_version; }
  const std::filesystem::path& path() const { return m_path; }

  // Returns the records of the given occurrences.
  Result<std::vector<StepRecord>> records(std::span<const std::string> occurrences);

  // Applies `change` in one transaction with its audit row. `check`, if given, is run
  // inside the transaction on the records of `context` (the occurrences the change
  // depends on); an error it returns aborts the change.
  using Check = std::function<std::optional<Error>(const StepStates& context)>;
  Result<void> apply(const StepChange& change, std::span<const std::string> context = {},
                     const Check& check = {});

  // Returns the audit rows of `act` (all periods), oldest first.
  Result<std::vector<AuditRow>> history(std::string_view act);

  // Calls `visit` on every audit row, oldest first.
  Result<void> for_each_audit_row(const std::function<void(const AuditRow&)>& visit);

  // Walks the whole chain and reports the first edited, inserted or deleted row.
  Result<AuditCheck> verify_audit();

  // Copies the database to `destination` (which must not exist) with SQLite's online
  // backup API, consistent even while other processes write.
  Result<void> backup(const std::filesystem::path& destination);

  // Enqueues `entries` (a key already present is left alone: exactly-once) and records
  // `last_run`, in one transaction. Returns how many were new.
  Result<std::size_t> enqueue(std::span<const OutboxEntry> entries, std::string_view enqueued_at,
                              std::string_view last_run);

  // Returns the service's last run (local time text), if it ever ran.
  Result<std::optional<std::string>> last_run();

  // Returns the pending entries, oldest planned first.
  Result<std::vector<OutboxEntry>> pending_outbox();

  // Returns every entry, in key order (for tests and `outbox` listings).
  Result<std::vector<OutboxEntry>> outbox();

  // Ends an attempt at the pending deliveries of `keys` through `channel`: finishes them
  // with outcome.status, or counts a failed attempt and sets the next when "pending".
  Result<void> finish(std::span<const std::string> keys, std::string_view channel,
                      const Outcome& outcome);

  // Puts the dead or pending deliveries of `key` (every channel) back in the queue, to go
  // at the service's next wake-up. Their maximum age counts again from their next failed
  // attempt (the enqueue time is cleared: the service's clock, not ours, sets it).
  // Returns how many.
  Result<std::size_t> retry(std::string_view key);

  // Puts every dead delivery through `channel` back in the queue, as retry() does: after
  // an administrator fixed what the channel's peer refused. Returns how many.
  Result<std::size_t> retry_channel(std::string_view channel);

  // Dead letters the administrator has not been told of, and marking them told.
  Result<std::vector<OutboxEntry>> unannounced_dead();
  Result<void> mark_announced(std::span<const OutboxEntry> entries);

  // Caps the database at `pages` pages (SQLite's max_page_count): used to prove that a
  // full disk loses nothing.
  Result<void> limit_pages(std::int64_t pages);

private:
  Store(Connection db, std::filesystem::path path, int version)
      : m_db(std::move(db)), m_path(std::move(path)), m_version(version) {}

  Result<Statement> prepare(std::string_view sql);
  Result<void> execute(std::string_view sql);
  Result<void> write_change(const StepChange& change);
  Result<void> append_audit(const StepChange& change);
  // Puts the deliveries matching `where` (SQL with ?1 bound to `value`) back in the queue.
  Result<std::size_t> requeue(std::string_view where, std::string_view value);

  Connection m_db;
  std::filesystem::path m_path;
  int m_version = 0;
};

}  // namespace scadenzario::store
