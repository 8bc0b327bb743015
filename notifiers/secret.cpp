#include "notifiers/secret.hpp"

#include <openssl/crypto.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace scadenzario::notifiers {

Secret::Secret(Secret&& other) noexcept : m_value(std::move(other.m_value)) { other.wipe(); }

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe();
    m_value = std::move(other.m_value);
    other.wipe();
  }
  return *this;
}

Secret::~Secret() { wipe(); }

void Secret::wipe() {
  OPENSSL_cleanse(m_value.data(), m_value.size());
  m_value.clear();
}

namespace {

namespace fs = std::filesystem;

constexpr off_t k_max_secret_bytes = 64 * 1024;

std::unexpected<std::string> failure(const fs::path& path, std::string_view why) {
  return std::unexpected("secret " + path.string() + ": " + std::string(why));
}

std::expected<fs::path, std::string> secret_path(const SecretSource& source, const fs::path& config_dir,
                                                 const std::optional<fs::path>& credentials_dir) {
  if (!source.file.empty()) return fs::path(source.file).is_absolute() ? fs::path(source.file) : config_dir / source.file;
  if (!credentials_dir) {
    return std::unexpected("credential \"" + source.credential +
                           "\": $CREDENTIALS_DIRECTORY is not set (LoadCredential= in the unit)");
  }
  return *credentials_dir / source.credential;
}

// Reads the whole of `fd` (at most `size` bytes, as fstat said).
std::expected<std::string, int> read_all(int fd, std::size_t size) {
  std::string bytes(size, '\0');
  std::size_t done = 0;
  while (done < size) {
    const ssize_t got = ::read(fd, bytes.data() + done, size - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return std::unexpected(errno);
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  bytes.resize(done);
  return bytes;
}

}  // namespace

std::expected<Secret, std::string> read_secret(const SecretSource& source, const fs::path& config_dir,
                                               const std::optional<fs::path>& credentials_dir) {
  const auto path = secret_path(source, config_dir, credentials_dir);
  if (!path) return std::unexpected(path.error());
  const int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return failure(*path, std::generic_category().message(errno));
  struct stat info {};
  std::expected<std::string, int> bytes = std::unexpected(0);
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && (info.st_mode & S_IROTH) == 0 &&
      info.st_size <= k_max_secret_bytes) {
    bytes = read_all(fd, static_cast<std::size_t>(info.st_size));
  }
  ::close(fd);
  if (!S_ISREG(info.st_mode)) return failure(*path, "not a regular file");
  if ((info.st_mode & S_IROTH) != 0) return failure(*path, "readable by others; chmod o-r it");
  if (info.st_size > k_max_secret_bytes) return failure(*path, "larger than 64 KiB");
  if (!bytes) return failure(*path, std::generic_category().message(bytes.error()));
  std::string& text = *bytes;
  if (text.ends_with('\n')) text.pop_back();  // editors end files with a line break
  if (text.ends_with('\r')) text.pop_back();
  Secret secret(std::move(text));
  if (secret.empty()) return failure(*path, "empty");
  return secret;
}

}  // namespace scadenzario::notifiers
