// Loads a whole installation from disk: the configuration file, the rule files of its
// rules directory in name order, and the actors file; then validates the result.
// The edge between the file system and the pure parsers: it reads, they judge.
#pragma once

#include "core/diagnostic.hpp"
#include "core/rule_set.hpp"

#include <expected>
#include <filesystem>
#include <cstdint>
#include <optional>
#include <vector>

namespace scadenzario {

// Returns the validated rule set of the configuration at `config_path`, or every error
// found. `rules_dir`, when given, replaces the configuration's rules directory (used to
// compare an edited copy of the rules before a reload).
std::expected<RuleSet, Diagnostics> load_rule_set(
    const std::filesystem::path& config_path,
    const std::optional<std::filesystem::path>& rules_dir = std::nullopt);

// The cores this process may run on (its affinity mask), not every core of the machine:
// the most threads load_rule_set parses on.
std::size_t usable_cores();

// The files a load of a configuration reads, each with its size and modification time.
// Taken before and after a load, two stamps that differ say that a file changed while
// it was read (an editor rewriting it in place): what was read may be half a file.
struct FileStamp {
  std::filesystem::path path;
  std::uintmax_t size = 0;
  std::filesystem::file_time_type modified;

  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

// Returns the stamps of the configuration at `config_path`, of its actors file and of
// the rule files of its rules directory, as `config` (the configuration last read)
// names them. Files that cannot be examined are left out: the load reports them.
std::vector<FileStamp> stamp_rule_files(const std::filesystem::path& config_path, const Config& config);

// Returns the rule files of `dir` (regular *.toml files, not hidden), in name order.
std::expected<std::vector<std::filesystem::path>, Diagnostic> list_rule_files(
    const std::filesystem::path& dir);

}  // namespace scadenzario
