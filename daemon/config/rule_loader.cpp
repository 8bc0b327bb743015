#include "config/rule_loader.hpp"

#include "core/config_parser.hpp"
#include "core/rule_parser.hpp"
#include "core/rule_validator.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace scadenzario {

namespace {

namespace fs = std::filesystem;

// Rule files are written by hand; anything this large is a mistake, not a rule set.
constexpr std::uintmax_t k_max_file_bytes = 16u * 1024u * 1024u;

std::expected<std::string, Diagnostic> read_file(const fs::path& path) {
  const SourceLocation where{path.string()};
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return std::unexpected(Diagnostic{where, "cannot read file: " + ec.message()});
  if (size > k_max_file_bytes) {
    return std::unexpected(Diagnostic{where, "file is larger than 16 MiB (" +
                                                 std::to_string(size) + " bytes)"});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::unexpected(Diagnostic{where, std::string("cannot read file: ") + std::strerror(errno)});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::unexpected(Diagnostic{where, "cannot read file: I/O error"});
  return std::move(text).str();
}

void check_time_zone(const Config& config, Diagnostics& errors) {
  try {
    (void)date::locate_zone(config.time_zone);
  } catch (const std::exception&) {
    errors.push_back({config.time_zone_where,
                      "unknown time zone \"" + config.time_zone +
                          "\": expected an IANA name such as \"Europe/Rome\""});
  }
}

void load_rule_file(const fs::path& path, RuleSet& rules, Diagnostics& errors) {
  auto text = read_file(path);
  if (!text) {
    errors.push_back(std::move(text.error()));
    return;
  }
  merge(rules, parse_rule_file(*text, path.string(), errors));
}

}  // namespace

std::expected<std::vector<fs::path>, Diagnostic> list_rule_files(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    if (name.starts_with('.') || path.extension() != ".toml") continue;
    if (it->is_regular_file(ec)) files.push_back(path);
  }
  if (ec) {
    return std::unexpected(Diagnostic{{dir.string()}, "cannot read rules directory: " + ec.message()});
  }
  std::ranges::sort(files, [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  return files;
}

std::expected<RuleSet, Diagnostics> load_rule_set(const fs::path& config_path,
                                                  const std::optional<fs::path>& rules_dir) {
  Diagnostics errors;
  auto config_text = read_file(config_path);
  if (!config_text) return std::unexpected(Diagnostics{std::move(config_text.error())});
  RuleSet rules;
  rules.config = parse_config(*config_text, config_path.string(), errors);
  if (!errors.empty()) return std::unexpected(std::move(errors));
  check_time_zone(rules.config, errors);

  const fs::path base = config_path.parent_path();
  const fs::path dir = rules_dir ? *rules_dir : base / rules.config.rules_dir;
  auto files = list_rule_files(dir);
  if (!files) return std::unexpected(Diagnostics{std::move(files.error())});
  if (files->empty()) {
    errors.push_back({{dir.string()}, "no rule files (*.toml) in the rules directory"});
  }
  for (const fs::path& file : *files) load_rule_file(file, rules, errors);
  if (!rules.config.actors_file.empty()) load_rule_file(base / rules.config.actors_file, rules, errors);
  if (!errors.empty()) return std::unexpected(std::move(errors));

  validate_rule_set(rules, errors);
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return rules;
}

}  // namespace scadenzario
