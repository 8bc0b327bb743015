#include "notifiers/maildir_channel.hpp"

#include "notifiers/mime_message.hpp"

#include "files/file_safety.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <expected>
#include <string_view>
#include <system_error>
#include <utility>

namespace scadenzario::notifiers {

namespace {

namespace fs = std::filesystem;

using Outcome = DeliveryResult::Outcome;
using Status = std::expected<void, std::string>;  // the error: what failed, where, why

std::unexpected<std::string> failure(std::string_view what, const fs::path& path, int error) {
  return std::unexpected(std::string(what) + " " + path.string() + ": " +
                         std::generic_category().message(error));
}

// An open file descriptor, closed when it goes out of scope.
class FileDescriptor {
public:
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (m_fd >= 0) ::close(m_fd);
  }

  bool is_open() const { return m_fd >= 0; }
  int get() const { return m_fd; }

  // Closes now; returns 0 or the errno of close(2), which may report a failed write.
  int close() {
    const int result = ::close(std::exchange(m_fd, -1));
    return result == 0 ? 0 : errno;
  }

private:
  int m_fd;
};

// Creates directory `path` with mode 0700 unless it exists (owned like its parent when
// run as root); true when it was created. Unless `link_allowed` (the Maildir itself,
// checked where it really lives), a symbolic link is refused: new/ pointing elsewhere
// would deliver into someone else's folder.
std::expected<bool, std::string> make_directory(const fs::path& path, bool link_allowed = false) {
  if (::mkdir(path.c_str(), 0700) == 0) {
    if (auto refused = files::give_to_directory_owner(path)) return std::unexpected(*refused);
    return true;
  }
  const int error = errno;
  struct stat info {};
  if (error != EEXIST) return failure("cannot create directory", path, error);
  if ((link_allowed ? ::stat(path.c_str(), &info) : ::lstat(path.c_str(), &info)) != 0) {
    return failure("cannot examine", path, errno);
  }
  if (S_ISLNK(info.st_mode)) return std::unexpected("refusing " + path.string() + ": it is a symbolic link");
  if (!S_ISDIR(info.st_mode)) return failure("cannot use", path, ENOTDIR);
  return false;
}

// Flushes the entries of directory `path` (a new name, a rename) to disk.
Status sync_directory(const fs::path& path) {
  FileDescriptor directory(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!directory.is_open()) return failure("cannot open directory", path, errno);
  // Some file systems cannot flush a directory (EINVAL) and need not.
  if (::fsync(directory.get()) != 0 && errno != EINVAL) return failure("cannot flush", path, errno);
  return {};
}

Status write_all(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return failure("cannot write", path, errno);
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

// Writes `bytes` to a new file `path` (mode 0600) and flushes it to disk.
Status write_file(const fs::path& path, std::string_view bytes) {
  FileDescriptor file(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!file.is_open()) return failure("cannot create", path, errno);
  if (auto written = write_all(file.get(), bytes, path); !written) return written;
  if (::fsync(file.get()) != 0) return failure("cannot flush", path, errno);
  if (const int error = file.close(); error != 0) return failure("cannot close", path, error);
  return {};
}

class MaildirChannel final : public Channel {
public:
  MaildirChannel(fs::path maildir, Address from)
      : m_maildir(std::move(maildir)), m_from(std::move(from)) {
    (void)ensure_directories();  // early, for a mail client to find; deliver() reports failures
  }

  std::string_view name() const override { return "maildir"; }

  DeliveryResult deliver(const Message& message, std::time_t now) override {
    const auto rendered = render_mime_message(message, m_from, now);
    if (!rendered) {
      return {Outcome::permanent, "cannot render message " + message.id + ": " + rendered.error()};
    }
    if (auto ready = ensure_directories(); !ready) return {Outcome::transient, ready.error()};
    // Maildir names hold no ':' (it starts the flags) nor '/': the id is letters and digits.
    const std::string name = message.id + ".scadenzario";
    if (auto found = existing(name)) {
      return {Outcome::delivered, "already delivered as " + found->string() + "; nothing written"};
    }
    if (auto stored = store(name, *rendered); !stored) return {Outcome::transient, stored.error()};
    return {Outcome::delivered, "delivered to " + (m_maildir / "new" / name).string()};
  }

private:
  Status ensure_directories() const {
    std::error_code error;
    const fs::path parent = m_maildir.parent_path();
    if (!parent.empty() && !fs::exists(parent, error)) fs::create_directories(parent, error);
    if (error) return failure("cannot create directory", parent, error.value());
    // Whoever may write where the folder really lives may plant or remove messages.
    const fs::path real = files::real_path(m_maildir);
    for (const fs::path& where : {real.parent_path(), real}) {
      if (auto unsafe = files::writable_by_others(where)) {
        return std::unexpected("refusing the Maildir " + m_maildir.string() + ": " + *unsafe +
                               ", who could plant or remove messages; chmod o-w " + where.string());
      }
    }
    bool created = false;
    for (const fs::path& directory :
         {m_maildir, m_maildir / "tmp", m_maildir / "new", m_maildir / "cur"}) {
      const auto made = make_directory(directory, directory == m_maildir);
      if (!made) return std::unexpected(made.error());
      created = created || *made;
    }
    if (created) return sync_directory(m_maildir);
    return {};
  }

  // The file of a message named `name` already in the folder: unread in new/, or moved
  // by a mail client into cur/ with its flags appended (":2,S"). Only a regular file of
  // the folder's owner (or ours) counts: a decoy (a link, a directory, someone else's
  // file) must not pass for a delivery.
  std::optional<fs::path> existing(const std::string& name) const {
    std::error_code error;
    for (const fs::path& path : {m_maildir / "new" / name, m_maildir / "cur" / name}) {
      if (is_delivered_file(path)) return path;
    }
    for (fs::directory_iterator it(m_maildir / "cur", error), end; !error && it != end;
         it.increment(error)) {
      if (it->path().filename().string().starts_with(name + ":") && is_delivered_file(it->path())) {
        return it->path();
      }
    }
    return std::nullopt;
  }

  bool is_delivered_file(const fs::path& path) const {
    struct stat file {};
    struct stat folder {};
    if (::lstat(path.c_str(), &file) != 0 || !S_ISREG(file.st_mode)) return false;
    if (::stat(m_maildir.c_str(), &folder) != 0) return false;
    return file.st_uid == folder.st_uid || file.st_uid == ::geteuid();
  }

  // tmp/ -> flushed -> new/ -> directory flushed; the tmp/ file is removed on failure.
  Status store(const std::string& name, std::string_view bytes) const {
    const fs::path temporary = m_maildir / "tmp" / name;
    const fs::path final_path = m_maildir / "new" / name;
    Status result = write_file(temporary, bytes);
    if (result) {
      if (auto refused = files::give_to_directory_owner(temporary)) result = std::unexpected(*refused);
    }
    if (result && std::rename(temporary.c_str(), final_path.c_str()) != 0) {
      result = failure("cannot move the message into", final_path, errno);
    }
    if (!result) {
      ::unlink(temporary.c_str());
      return result;
    }
    return sync_directory(m_maildir / "new");
  }

  fs::path m_maildir;
  Address m_from;
};

}  // namespace

std::unique_ptr<Channel> make_maildir_channel(const std::filesystem::path& maildir, Address from) {
  return std::make_unique<MaildirChannel>(maildir, std::move(from));
}

}  // namespace scadenzario::notifiers
