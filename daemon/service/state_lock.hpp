// One service per state database: an exclusive flock(2) on the database file, held for
// the life of the process, so that a second scadenzariod started on the same file (a
// second unit, a test run by hand) is refused at start instead of sending every
// notification twice. SQLite's own locks are fcntl(2) locks, which Linux keeps apart
// from flock(2) locks; the command-line tool never takes this one.
//
// Closing any descriptor of a file drops the process's fcntl locks on it: release the
// StateLock only after the database is closed (declare it before the Store).
#pragma once

#include <expected>
#include <filesystem>
#include <string>

namespace scadenzario::service {

class StateLock {
public:
  // Locks `state` (which must exist), or says in Italian why it cannot: another
  // scadenzariod holds it, or the file cannot be opened.
  static std::expected<StateLock, std::string> acquire(const std::filesystem::path& state);

  StateLock(StateLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  StateLock& operator=(StateLock&&) = delete;
  StateLock(const StateLock&) = delete;
  ~StateLock();

private:
  explicit StateLock(int fd) : m_fd(fd) {}

  int m_fd = -1;
};

}  // namespace scadenzario::service
