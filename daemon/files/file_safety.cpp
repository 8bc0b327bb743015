#include "files/file_safety.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace scadenzario::files {

namespace fs = std::filesystem;

fs::path real_path(const fs::path& path) {
  std::error_code error;
  fs::path current = fs::absolute(path, error);
  if (error) return path;
  // A link whose target does not exist yet is followed too: that is where a create goes.
  for (int hops = 0; hops < 40 && fs::is_symlink(current, error); ++hops) {
    const fs::path target = fs::read_symlink(current, error);
    if (error) break;
    current = target.is_absolute() ? target : current.parent_path() / target;
  }
  const fs::path resolved = fs::weakly_canonical(current, error);
  return error ? current : resolved;
}

std::optional<std::string> writable_by_others(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || (info.st_mode & S_IWOTH) == 0) return std::nullopt;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
  return path.string() + " is writable by others (mode " + mode + ")";
}

std::optional<std::string> give_to_directory_owner(const fs::path& created) {
  if (::geteuid() != 0) return std::nullopt;
  const fs::path directory = created.has_parent_path() ? created.parent_path() : fs::path(".");
  struct stat owner {};
  if (::stat(directory.c_str(), &owner) != 0) {
    return "cannot examine " + directory.string() + ": " + std::strerror(errno);
  }
  if (owner.st_uid == 0 && owner.st_gid == 0) return std::nullopt;  // root's own directory
  if (::lchown(created.c_str(), owner.st_uid, owner.st_gid) != 0) {
    return "cannot give " + created.string() + " to the owner of " + directory.string() + ": " +
           std::strerror(errno);
  }
  return std::nullopt;
}

}  // namespace scadenzario::files
