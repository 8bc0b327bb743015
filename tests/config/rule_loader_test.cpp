// Loading an installation from real files on disk: name order, what is skipped, and the
// errors for missing or bad files, each with its location.
#include "config/rule_loader.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <random>

namespace scadenzario {
namespace {

namespace fs = std::filesystem;

// A temporary directory removed at the end of the test.
class TempDir {
public:
  TempDir() {
    std::random_device random;
    m_path = fs::temp_directory_path() / ("scadenzario-test-" + std::to_string(random()));
    fs::create_directories(m_path / "rules.d");
  }
  ~TempDir() { fs::remove_all(m_path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return m_path; }
  void write(const std::string& relative, const std::string& text) const {
    std::ofstream(m_path / relative, std::ios::binary) << text;
  }

private:
  fs::path m_path;
};

const std::string k_config = "name = \"Prova\"\nrules_dir = \"rules.d\"\n";
const std::string k_actors = "[[actor]]\nid = \"giunta\"\ntitle = \"Giunta\"\n";

std::string act(const std::string& id) {
  return "[[act]]\nid = \"" + id + "\"\ntitle = \"T\"\nphase = 1\npurpose = \"p\"\n"
         "legal_basis = \"x\"\ndue = \"01-31\"\n[[act.step]]\nactor = \"giunta\"\n"
         "action = \"APPROVA\"\n";
}

std::vector<std::string> messages(const Diagnostics& errors) {
  std::vector<std::string> lines;
  for (const Diagnostic& error : errors) lines.push_back(error.to_string());
  return lines;
}

}  // namespace

TEST_CASE("load_rule_set: rule files load in name order, hidden and other files are skipped",
          "[loader]") {
  TempDir dir;
  dir.write("scadenzario.toml", k_config);
  dir.write("rules.d/00-attori.toml", k_actors);
  dir.write("rules.d/20-b.toml", act("secondo"));
  dir.write("rules.d/10-a.toml", act("primo"));
  dir.write("rules.d/.30-nascosto.toml", "not toml at all [");
  dir.write("rules.d/40-c.toml.orig", "not toml at all [");
  const auto rules = load_rule_set(dir.path() / "scadenzario.toml");
  REQUIRE(rules.has_value());
  REQUIRE(rules->acts.size() == 2);
  CHECK(rules->acts[0].id == "primo");
  CHECK(rules->acts[1].id == "secondo");
  CHECK(rules->acts[0].where.file == (dir.path() / "rules.d/10-a.toml").string());
}

TEST_CASE("load_rule_set: 1,100 files, parsed side by side, join in name order",
          "[loader]") {
  // With 64 files or more for each core, the files are parsed on several threads, in
  // batches of 1,024: the acts and the errors must still come in the files' order, as
  // one thread would give them. 1,100 files make two batches.
  TempDir dir;
  dir.write("scadenzario.toml", k_config);
  dir.write("rules.d/0000-attori.toml", k_actors);
  constexpr int k_files = 1100;
  auto name = [](int i) {
    std::string number = std::to_string(i);
    return std::string(4 - number.size(), '0') + number;
  };
  for (int i = k_files; i >= 1; --i) dir.write("rules.d/" + name(i) + ".toml", act("atto-" + name(i)));
  auto rules = load_rule_set(dir.path() / "scadenzario.toml");
  REQUIRE(rules.has_value());
  REQUIRE(rules->acts.size() == k_files);
  for (int i = 1; i <= k_files; ++i) {
    CHECK(rules->acts[static_cast<std::size_t>(i - 1)].id == "atto-" + name(i));
    CHECK(rules->find_act("atto-" + name(i)) == &rules->acts[static_cast<std::size_t>(i - 1)]);
  }

  dir.write("rules.d/" + name(1050) + ".toml", "x = \n");
  dir.write("rules.d/" + name(150) + ".toml", "[[act]]\nid = 3\n");
  rules = load_rule_set(dir.path() / "scadenzario.toml");
  REQUIRE_FALSE(rules.has_value());
  const auto lines = messages(rules.error());
  REQUIRE(lines.size() >= 3);
  CHECK(lines[0].starts_with((dir.path() / ("rules.d/" + name(150) + ".toml")).string() + ":"));
  CHECK(lines.back().starts_with((dir.path() / ("rules.d/" + name(1050) + ".toml")).string() + ":1:5: TOML syntax error: "));
  const auto from_150 = std::ranges::count_if(lines, [&](const std::string& line) {
    return line.starts_with((dir.path() / ("rules.d/" + name(150) + ".toml")).string() + ":");
  });
  CHECK(from_150 == static_cast<long>(lines.size()) - 1);

  // A duplicate id is reported at the later file, the earlier one being the original.
  dir.write("rules.d/" + name(150) + ".toml", act("atto-" + name(150)));
  dir.write("rules.d/" + name(1050) + ".toml", act("atto-" + name(1050)));
  dir.write("rules.d/" + name(1090) + ".toml", act("atto-" + name(10)));
  rules = load_rule_set(dir.path() / "scadenzario.toml");
  REQUIRE_FALSE(rules.has_value());
  REQUIRE(rules.error().size() == 1);
  CHECK(rules.error()[0].where.file == (dir.path() / ("rules.d/" + name(1090) + ".toml")).string());
  CHECK(rules.error()[0].message.find("duplicate act id \"atto-" + name(10) + "\"") != std::string::npos);
}

TEST_CASE("load_rule_set: errors of every file are reported together", "[loader]") {
  TempDir dir;
  dir.write("scadenzario.toml", k_config);
  dir.write("rules.d/00-attori.toml", k_actors);
  dir.write("rules.d/10-a.toml", "[[act]]\nid = 3\n");
  dir.write("rules.d/20-b.toml", "x = \n");
  const auto rules = load_rule_set(dir.path() / "scadenzario.toml");
  REQUIRE_FALSE(rules.has_value());
  const auto lines = messages(rules.error());
  const std::string a = (dir.path() / "rules.d/10-a.toml").string();
  const std::string b = (dir.path() / "rules.d/20-b.toml").string();
  REQUIRE(lines.size() == 8);
  CHECK(lines[5] == a + ":1:1: this act has no due date: add \"due\" or [[act.deadline]]");
  CHECK(lines[0] == a + ":2:6: expected a string for \"id\", found an integer");
  CHECK(lines.back().starts_with(b + ":1:5: TOML syntax error: "));
}

TEST_CASE("load_rule_set: a missing configuration file is a clear error", "[loader]") {
  TempDir dir;
  const auto rules = load_rule_set(dir.path() / "assente.toml");
  REQUIRE_FALSE(rules.has_value());
  CHECK(messages(rules.error()) ==
        std::vector<std::string>{(dir.path() / "assente.toml").string() +
                                 ": cannot read file: No such file or directory"});
}

TEST_CASE("load_rule_set: a missing or empty rules directory is a clear error", "[loader]") {
  TempDir dir;
  dir.write("scadenzario.toml", "name = \"Prova\"\nrules_dir = \"regole\"\n");
  auto rules = load_rule_set(dir.path() / "scadenzario.toml");
  REQUIRE_FALSE(rules.has_value());
  CHECK(messages(rules.error()) ==
        std::vector<std::string>{(dir.path() / "scadenzario.toml").string() +
                                 ":2:13: cannot read rules directory " +
                                 (dir.path() / "regole").string() +
                                 ": No such file or directory"});
  dir.write("scadenzario.toml", k_config);
  rules = load_rule_set(dir.path() / "scadenzario.toml");
  REQUIRE_FALSE(rules.has_value());
  CHECK(messages(rules.error()) ==
        std::vector<std::string>{(dir.path() / "rules.d").string() +
                                 ": no rule files (*.toml) in the rules directory"});
}

TEST_CASE("load_rule_set: an unknown time zone points at its value", "[loader]") {
  TempDir dir;
  dir.write("scadenzario.toml", "name = \"Prova\"\ntime_zone = \"Europe/Roma\"\n");
  dir.write("rules.d/00.toml", k_actors + act("a"));
  const auto rules = load_rule_set(dir.path() / "scadenzario.toml");
  REQUIRE_FALSE(rules.has_value());
  CHECK(messages(rules.error()) ==
        std::vector<std::string>{(dir.path() / "scadenzario.toml").string() +
                                 ":2:13: unknown time zone \"Europe/Roma\": expected an IANA "
                                 "name such as \"Europe/Rome\""});
}

TEST_CASE("load_rule_set: the actors file is read beside the configuration", "[loader]") {
  TempDir dir;
  dir.write("scadenzario.toml", k_config + "actors_file = \"attori.toml\"\n");
  dir.write("rules.d/00.toml", k_actors + act("a"));
  dir.write("attori.toml",
            "[[person]]\nid = \"p\"\nname = \"Paola\"\nemail = \"p@example.it\"\n"
            "roles = [\"giuntaa\"]\n");
  const auto rules = load_rule_set(dir.path() / "scadenzario.toml");
  REQUIRE_FALSE(rules.has_value());
  CHECK(messages(rules.error()) ==
        std::vector<std::string>{(dir.path() / "attori.toml").string() +
                                 ":5:10: unknown actor \"giuntaa\" (did you mean \"giunta\"?)"});
}

TEST_CASE("load_rule_set: a missing actors file is reported at actors_file", "[loader]") {
  TempDir dir;
  dir.write("scadenzario.toml", k_config + "actors_file = \"attorii.toml\"\n");
  dir.write("rules.d/00.toml", k_actors + act("a"));
  const auto rules = load_rule_set(dir.path() / "scadenzario.toml");
  REQUIRE_FALSE(rules.has_value());
  CHECK(messages(rules.error()) ==
        std::vector<std::string>{(dir.path() / "scadenzario.toml").string() +
                                 ":3:15: cannot read actors_file " +
                                 (dir.path() / "attorii.toml").string() +
                                 ": No such file or directory"});
}

TEST_CASE("load_rule_set: a broken link named *.toml is an error, not skipped", "[loader]") {
  TempDir dir;
  dir.write("scadenzario.toml", k_config);
  dir.write("rules.d/00.toml", k_actors + act("a"));
  fs::create_symlink(dir.path() / "assente.toml", dir.path() / "rules.d/05-x.toml");
  const auto rules = load_rule_set(dir.path() / "scadenzario.toml");
  REQUIRE_FALSE(rules.has_value());
  CHECK(messages(rules.error()) ==
        std::vector<std::string>{(dir.path() / "rules.d/05-x.toml").string() +
                                 ": cannot read file: No such file or directory"});
}

TEST_CASE("load_rule_set: a rules directory given explicitly replaces rules_dir", "[loader]") {
  TempDir dir;
  dir.write("scadenzario.toml", k_config);
  dir.write("rules.d/00.toml", k_actors + act("a"));
  fs::create_directories(dir.path() / "modificate");
  dir.write("modificate/00.toml", k_actors + act("b"));
  const auto rules = load_rule_set(dir.path() / "scadenzario.toml", dir.path() / "modificate");
  REQUIRE(rules.has_value());
  CHECK(rules->acts.at(0).id == "b");
}

TEST_CASE("load_rule_set: a 50 MB rule file is refused before it is read", "[loader][hostile]") {
  TempDir dir;
  dir.write("scadenzario.toml", k_config);
  dir.write("rules.d/00.toml", "");
  // Sparse: 50 MB long without 50 MB written; only its size is ever looked at.
  std::filesystem::resize_file(dir.path() / "rules.d/00.toml", 50'000'000);
  const auto rules = load_rule_set(dir.path() / "scadenzario.toml");
  REQUIRE_FALSE(rules.has_value());
  CHECK(messages(rules.error()) ==
        std::vector<std::string>{(dir.path() / "rules.d/00.toml").string() +
                                 ": file is larger than 1 MiB (50000000 bytes): expected a "
                                 "hand-written rule file"});
}

TEST_CASE("load_rule_set: 1 MiB is the largest file read, 1 MiB + 1 byte is refused",
          "[loader][hostile]") {
  TempDir dir;
  dir.write("scadenzario.toml", k_config);
  dir.write("rules.d/00.toml", k_actors + act("a"));
  dir.write("rules.d/01.toml", std::string(1024u * 1024u, '#'));
  CHECK(load_rule_set(dir.path() / "scadenzario.toml").has_value());
  dir.write("rules.d/01.toml", std::string(1024u * 1024u + 1u, '#'));
  const auto rules = load_rule_set(dir.path() / "scadenzario.toml");
  REQUIRE_FALSE(rules.has_value());
  CHECK(messages(rules.error()) ==
        std::vector<std::string>{(dir.path() / "rules.d/01.toml").string() +
                                 ": file is larger than 1 MiB (1048577 bytes): expected a "
                                 "hand-written rule file"});
}

TEST_CASE("load_rule_set: the default rules of the repository are valid", "[loader][default]") {
  const auto rules = load_rule_set(std::string(SCADENZARIO_SOURCE_DIR) + "/rules/scadenzario.toml");
  if (!rules) {
    for (const auto& line : messages(rules.error())) UNSCOPED_INFO(line);
  }
  REQUIRE(rules.has_value());
  CHECK(rules->acts.size() >= 21);
}

}  // namespace scadenzario
