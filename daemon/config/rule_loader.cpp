#include "config/rule_loader.hpp"

#include "core/config_parser.hpp"
#include "core/rule_parser.hpp"
#include "core/rule_validator.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace scadenzario {

namespace {

namespace fs = std::filesystem;

// Rule files are written by hand: the whole default rule set is 47 KB, its largest file
// 11 KB. Parsing takes about 40 times a file's size in memory (measured: 16 MiB of
// `a = [1, 1, ...]` took 600 MB), so the limit keeps a reload within tens of MB.
constexpr std::uintmax_t k_max_file_bytes = 1024u * 1024u;

std::expected<std::string, Diagnostic> read_file(const fs::path& path) {
  const SourceLocation where{path.string()};
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return std::unexpected(Diagnostic{where, "cannot read file: " + ec.message()});
  if (size > k_max_file_bytes) {
    return std::unexpected(Diagnostic{where, "file is larger than 1 MiB (" + std::to_string(size) +
                                                 " bytes): expected a hand-written rule file"});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::unexpected(Diagnostic{where, std::string("cannot read file: ") + std::strerror(errno)});
  }
  // At most the size checked above, even if the file grows meanwhile.
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (in.bad()) return std::unexpected(Diagnostic{where, "cannot read file: I/O error"});
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// True when `name` is a zone of the system's tz database: a TZif file under TZDIR
// (default /usr/share/zoneinfo). Reading one file, not loading the whole database,
// keeps every command's start-up short.
bool is_known_time_zone(const std::string& name) {
  const bool well_formed = !name.empty() && name.front() != '/' && name.find("..") == std::string::npos;
  if (!well_formed) return false;
  const char* tz_dir = std::getenv("TZDIR");
  const fs::path file = fs::path(tz_dir && *tz_dir ? tz_dir : "/usr/share/zoneinfo") / name;
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, sizeof magic) && std::string_view(magic, sizeof magic) == "TZif";
}

void check_time_zone(const Config& config, Diagnostics& errors) {
  if (is_known_time_zone(config.time_zone)) return;
  errors.push_back({config.time_zone_where, "unknown time zone \"" + config.time_zone +
                                                "\": expected an IANA name such as \"Europe/Rome\""});
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
    // Everything else named *.toml is a rule file: a broken link or an unreadable file
    // is reported when it is read, never skipped in silence.
    std::error_code type_ec;
    if (!it->is_directory(type_ec)) files.push_back(path);
  }
  if (ec) {
    return std::unexpected(Diagnostic{{dir.string()}, "cannot read rules directory: " + ec.message()});
  }
  std::ranges::sort(files, [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  return files;
}

namespace {

// Reads the rule files of `dir`. A missing directory named by the configuration is
// reported at the configuration's `rules_dir`.
void load_rules_dir(const fs::path& dir, const SourceLocation& named_at, RuleSet& rules,
                    Diagnostics& errors) {
  auto files = list_rule_files(dir);
  if (!files) {
    Diagnostic error = std::move(files.error());
    if (named_at.line != 0) {
      error = Diagnostic{named_at, "cannot read rules directory " + dir.string() + ": " +
                                       error.message.substr(error.message.find(": ") + 2)};
    }
    errors.push_back(std::move(error));
    return;
  }
  if (files->empty()) {
    errors.push_back({{dir.string()}, "no rule files (*.toml) in the rules directory"});
  }
  for (const fs::path& file : *files) load_rule_file(file, rules, errors);
}

void load_actors_file(const fs::path& path, const SourceLocation& named_at, RuleSet& rules,
                      Diagnostics& errors) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    errors.push_back({named_at, "cannot read actors_file " + path.string() +
                                    ": No such file or directory"});
    return;
  }
  load_rule_file(path, rules, errors);
}

}  // namespace

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
  if (rules_dir) {
    load_rules_dir(*rules_dir, SourceLocation{}, rules, errors);
  } else {
    load_rules_dir(base / rules.config.rules_dir, rules.config.rules_dir_where, rules, errors);
  }
  if (!rules.config.actors_file.empty()) {
    load_actors_file(base / rules.config.actors_file, rules.config.actors_file_where, rules, errors);
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));

  validate_rule_set(rules, errors);
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return rules;
}

}  // namespace scadenzario
