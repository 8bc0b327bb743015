// Every file under tests/data/malformed-rules and tests/data/malformed-config is a bad
// input, and so is every file under tests/data/hostile/rules and hostile/config (invalid
// UTF-8, NUL bytes, header injection, years and offsets out of range, path traversal). Its header lists, one per line, the exact diagnostics it must produce:
//   # expect: LINE:COLUMN: message
// The test fails on any missing, extra or different diagnostic.
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

namespace scadenzario {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> expected_diagnostics(const std::string& text, const std::string& file) {
  std::vector<std::string> expected;
  std::istringstream lines(text);
  const std::string marker = "# expect: ";
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(marker)) expected.push_back(file + ":" + line.substr(marker.size()));
  }
  return expected;
}

std::vector<fs::path> files_in(const std::string& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(test::test_data(dir))) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::ranges::sort(files);
  return files;
}

std::vector<std::string> rendered(const Diagnostics& errors) {
  std::vector<std::string> lines;
  for (const Diagnostic& error : errors) lines.push_back(error.to_string());
  return lines;
}

void check_rule_files(const std::vector<fs::path>& files) {
  for (const fs::path& path : files) {
    const std::string name = path.filename().string();
    const std::string text = test::read_text(path);
    Diagnostics errors;
    test::parse_with_base(text, name, errors);
    const auto expected = expected_diagnostics(text, name);
    INFO("file: " << name);
    REQUIRE_FALSE(expected.empty());
    CHECK(rendered(errors) == expected);
  }
}

void check_config_files(const std::vector<fs::path>& files) {
  for (const fs::path& path : files) {
    const std::string name = path.filename().string();
    const std::string text = test::read_text(path);
    Diagnostics errors;
    RuleSet rules;
    rules.config = parse_config(text, name, errors);
    // Proroghe refer to acts: validate them against the base roles and one act.
    if (errors.empty()) {
      merge(rules, parse_rule_file(test::read_text(test::test_data("base/attori.toml")),
                                   "attori.toml", errors));
      merge(rules, parse_rule_file(test::read_text(test::test_data("base/atti.toml")), "atti.toml",
                                   errors));
      validate_rule_set(rules, errors);
    }
    const auto expected = expected_diagnostics(text, name);
    INFO("file: " << name);
    REQUIRE_FALSE(expected.empty());
    CHECK(rendered(errors) == expected);
  }
}

}  // namespace

TEST_CASE("malformed rule files: each gives exactly its expected errors", "[rules][malformed]") {
  const auto files = files_in("malformed-rules");
  CHECK(files.size() >= 30);
  check_rule_files(files);
}

TEST_CASE("malformed configuration files: each gives exactly its expected errors",
          "[config][malformed]") {
  const auto files = files_in("malformed-config");
  REQUIRE(files.size() >= 8);
  check_config_files(files);
}

TEST_CASE("hostile rule files: each gives exactly its expected errors", "[rules][hostile]") {
  const auto files = files_in("hostile/rules");
  REQUIRE(files.size() >= 10);
  check_rule_files(files);
}

TEST_CASE("hostile configuration files: each gives exactly its expected errors",
          "[config][hostile]") {
  const auto files = files_in("hostile/config");
  REQUIRE(files.size() >= 5);
  check_config_files(files);
}

}  // namespace scadenzario
