// Replays, in the normal build, every input the fuzzers found a bug with
// (tests/fuzz/regressions/<target>/) and the hand-written seeds
// (tests/fuzz/corpus/<target>/) through the same property checks as the fuzz targets.
#include "fuzz_properties.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

namespace scadenzario::fuzz {
namespace {

namespace fs = std::filesystem;

using Check = std::function<std::optional<std::string>(std::string_view)>;

std::vector<fs::path> inputs_of(const std::string& target) {
  std::vector<fs::path> files;
  for (const char* kind : {"regressions", "corpus"}) {
    const fs::path dir = fs::path(SCADENZARIO_SOURCE_DIR) / "tests/fuzz" / kind / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::ranges::sort(files);
  return files;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void replay(const std::string& target, const Check& check) {
  const auto files = inputs_of(target);
  REQUIRE_FALSE(files.empty());
  for (const fs::path& file : files) {
    INFO("input: " << file.string());
    CHECK(check(read_bytes(file)).value_or("") == "");
  }
}

}  // namespace

TEST_CASE("fuzz regressions: rule files", "[fuzz]") { replay("rule_file", check_rule_file); }
TEST_CASE("fuzz regressions: configuration files", "[fuzz]") { replay("config", check_config); }
TEST_CASE("fuzz regressions: due forms and offsets", "[fuzz]") { replay("due_spec", check_due_spec); }
TEST_CASE("fuzz regressions: mail header encoder", "[fuzz]") { replay("mime_header", check_mime_header); }

TEST_CASE("fuzz properties: well-formed and refused inputs pass the checks", "[fuzz]") {
  // An ASCII offset round-trips; a Subject with a line break must be refused.
  CHECK(check_due_spec("\x03-15d").value_or("") == "");
  CHECK(check_due_spec("\x03+0bd").value_or("") == "");
  CHECK(check_mime_header(std::string("\x00Prova\r\nBcc: x@y.it", 20)).value_or("") == "");
  CHECK(check_mime_header(std::string("\x00Piano della performance — approvazione", 41)).value_or("") == "");
  CHECK(check_rule_file("[[act]]\nid = 1\n").value_or("") == "");
}

}  // namespace scadenzario::fuzz
