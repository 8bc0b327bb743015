// Helpers shared by the tests: reading fixture files and parsing rule text the way the
// loader does, without touching the disk beyond the fixtures.
#pragma once

#include "core/config_parser.hpp"
#include "core/rule_parser.hpp"
#include "core/rule_validator.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace scadenzario::test {

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read fixture " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::filesystem::path test_data(const std::string& relative) {
  return std::filesystem::path(SCADENZARIO_TEST_DATA) / relative;
}

// Parses `rule_text` (shown as `file`) on top of the base configuration and roles of
// tests/data/base, then validates, as the loader does. Returns the rule set; errors
// go to `errors`.
inline RuleSet parse_with_base(const std::string& rule_text, const std::string& file,
                               Diagnostics& errors) {
  RuleSet rules;
  rules.config = parse_config(read_text(test_data("base/scadenzario.toml")), "scadenzario.toml", errors);
  merge(rules, parse_rule_file(read_text(test_data("base/attori.toml")), "attori.toml", errors));
  merge(rules, parse_rule_file(rule_text, file, errors));
  if (errors.empty()) validate_rule_set(rules, errors);
  return rules;
}

}  // namespace scadenzario::test
