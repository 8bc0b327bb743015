// Loads a whole installation from disk: the configuration file, the rule files of its
// rules directory in name order, and the actors file; then validates the result.
// The edge between the file system and the pure parsers: it reads, they judge.
#pragma once

#include "core/diagnostic.hpp"
#include "core/rule_set.hpp"

#include <expected>
#include <filesystem>
#include <optional>

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

// Returns the rule files of `dir` (regular *.toml files, not hidden), in name order.
std::expected<std::vector<std::filesystem::path>, Diagnostic> list_rule_files(
    const std::filesystem::path& dir);

}  // namespace scadenzario
