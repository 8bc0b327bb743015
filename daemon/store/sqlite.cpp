#include "store/sqlite.hpp"

namespace scadenzario::store {

Error sqlite_error(sqlite3* db, int code, std::string_view what, const std::filesystem::path& file) {
  const std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  const std::string where = "state database " + file.string();
  switch (code & 0xFF) {
    case SQLITE_READONLY:
      return {ErrorKind::read_only, "cannot " + std::string(what) + " the " + where +
                                        ": it is read-only (check the permissions of the file "
                                        "and of its directory)"};
    case SQLITE_FULL:
      return {ErrorKind::full, "cannot " + std::string(what) + " the " + where +
                                   ": the disk is full; nothing was recorded"};
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return {ErrorKind::corrupt, "the " + where + " is damaged or not a scadenzario database (" +
                                      detail + "); it was not modified: restore a backup"};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {ErrorKind::busy, "the " + where + " stayed locked by another process; try again"};
    case SQLITE_CANTOPEN:
      return {ErrorKind::io, "cannot open the " + where + ": " + detail};
    default:
      return {ErrorKind::io, "cannot " + std::string(what) + " the " + where + ": " + detail};
  }
}

Statement& Statement::bind(int index, std::string_view text) {
  // An empty view may have no data at all; SQLite would store NULL, we mean "".
  sqlite3_bind_text(m_statement.get(), index, text.data() ? text.data() : "",
                    static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(m_statement.get(), index, value);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(m_statement.get(), index);
  return *this;
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(m_statement.get(), column);
  const int size = sqlite3_column_bytes(m_statement.get(), column);
  return data ? std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size))
              : std::string();
}

}  // namespace scadenzario::store
