// Thin RAII over the SQLite C API: a connection, prepared statements, and the mapping
// of SQLite result codes to the store's typed errors. Prepared statements only.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace scadenzario::store {

enum class ErrorKind {
  not_found,  // the database file does not exist
  read_only,  // the file or its directory cannot be written
  full,       // the disk (or the configured size limit) is full
  corrupt,    // not a database, or damaged
  too_new,    // written by a newer scadenzario
  busy,       // still locked after the busy timeout
  conflict,   // the change contradicts the stored state (e.g. undo of a pending step)
  unsafe,     // others may write the file or its directory: refused, never opened
  io,         // any other failure
};

struct Error {
  ErrorKind kind = ErrorKind::io;
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

// Returns the error for SQLite result `code` on `db`, described with `what` ("write").
Error sqlite_error(sqlite3* db, int code, std::string_view what, const std::filesystem::path& file);

struct ConnectionDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementDeleter {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionDeleter>;

// A prepared statement. Binds are 1-based like SQLite's; text is copied by SQLite.
class Statement {
public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* statement) : m_statement(statement) {}

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind_null(int index);
  // Runs one step: SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(m_statement.get()); }
  void reset() {
    sqlite3_reset(m_statement.get());
    sqlite3_clear_bindings(m_statement.get());
  }
  std::string text(int column) const;
  std::int64_t integer(int column) const { return sqlite3_column_int64(m_statement.get(), column); }
  sqlite3_stmt* get() const { return m_statement.get(); }

private:
  std::unique_ptr<sqlite3_stmt, StatementDeleter> m_statement;
};

}  // namespace scadenzario::store
