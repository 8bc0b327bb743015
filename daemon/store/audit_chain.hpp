// The tamper-evident chain of the audit log: every row's SHA-256 covers the previous
// row's hash and the row's own content, so editing, inserting or deleting any row
// breaks every later link.
#pragma once

#include <cstdint>
#include <string>

namespace scadenzario::store {

// One change to the state of a step, as the audit log records it.
struct AuditRow {
  std::int64_t seq = 0;
  std::string at;      // "2027-01-28T10:15:00Z"
  std::string author;  // who ran the command (operating-system user or --by)
  std::string action;  // "done" | "waived" | "undone"
  std::string act;
  std::string occurrence;
  std::string step;
  std::string member;
  std::string done_by;
  std::string reference;
  std::string document_url;
  std::string note;
  bool forced = false;
  std::string prev_hash;
  std::string hash;
};

// The previous hash of the first row.
inline const std::string k_genesis_hash(64, '0');

// Returns the lower-case hex SHA-256 of `row.prev_hash` (64 hex characters, as is)
// followed by the row's content (every other field but `hash`), each of those fields
// length-prefixed ("<bytes>:<text>;") so that no two rows collide.
std::string audit_row_hash(const AuditRow& row);

}  // namespace scadenzario::store
