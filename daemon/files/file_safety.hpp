// The checks and the ownership rule for what scadenzario writes on disk (the state
// database, the Maildir): a place others may write is refused, because whoever can
// replace a file there can rewrite the audit log or fake a delivery; and a file made by
// a command run as root (an administrator's `sudo scadenzario done ...`) is handed to
// the owner of its directory, so that the service's own user can still write it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace scadenzario::files {

// Returns `path` with every symbolic link resolved, as far as it exists.
std::filesystem::path real_path(const std::filesystem::path& path);

// Returns "PATH is writable by others (mode 0777)" when `path` (a directory or a file,
// after symbolic links) is; nullopt when it is not, or does not exist.
std::optional<std::string> writable_by_others(const std::filesystem::path& path);

// When this process runs as root, gives `created` (just made by it) to the owner and
// group of the directory that holds it; does nothing otherwise. Returns the error, if
// the change failed.
std::optional<std::string> give_to_directory_owner(const std::filesystem::path& created);

}  // namespace scadenzario::files
