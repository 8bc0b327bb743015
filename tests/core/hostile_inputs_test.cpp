// Hostile inputs made at test time (too large to commit): deep nesting, huge arrays,
// a million acts. Each must give its one clear, located error, in bounded time and
// memory, and never crash. The small hostile files are in tests/data/hostile/, run by
// malformed_files_test.cpp; the loader's size limit is in rule_loader_test.cpp.
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace scadenzario {
namespace {

std::vector<std::string> rule_errors(const std::string& text) {
  Diagnostics errors;
  test::parse_with_base(text, "ostile.toml", errors);
  std::vector<std::string> lines;
  for (const Diagnostic& error : errors) lines.push_back(error.to_string());
  return lines;
}

std::vector<std::string> config_errors(const std::string& text) {
  Diagnostics errors;
  parse_config(text, "scadenzario.toml", errors);
  std::vector<std::string> lines;
  for (const Diagnostic& error : errors) lines.push_back(error.to_string());
  return lines;
}

std::string repeated(std::string_view part, std::size_t times) {
  std::string text;
  text.reserve(part.size() * times);
  for (std::size_t i = 0; i < times; ++i) text += part;
  return text;
}

constexpr std::size_t k_deep = 100'000;

}  // namespace

TEST_CASE("hostile: 100,000 nested arrays stop at toml++'s depth limit", "[hostile]") {
  const std::string text = "x = " + std::string(k_deep, '[') + std::string(k_deep, ']') + "\n";
  CHECK(rule_errors(text) ==
        std::vector<std::string>{"ostile.toml:1:261: TOML syntax error: Error while parsing value: "
                                 "exceeded maximum nested value depth of 256 (TOML_MAX_NESTED_VALUES)"});
}

TEST_CASE("hostile: 100,000 nested inline tables stop at toml++'s depth limit", "[hostile]") {
  const std::string text = "x = " + repeated("{a=", k_deep) + "1" + std::string(k_deep, '}') + "\n";
  CHECK(rule_errors(text) ==
        std::vector<std::string>{"ostile.toml:1:773: TOML syntax error: Error while parsing value: "
                                 "exceeded maximum nested value depth of 256 (TOML_MAX_NESTED_VALUES)"});
}

TEST_CASE("hostile: a dotted key or table header of 100,000 parts is refused before parsing",
          "[hostile]") {
  const std::vector<std::string> expected = {
      "ostile.toml:2:1: key nested too deeply: more than 64 dotted parts on one line"};
  CHECK(rule_errors("# chiave\n" + repeated("a.", k_deep) + "a = 1\n") == expected);
  CHECK(rule_errors("# tabella\n[" + repeated("a.", k_deep) + "a]\n") == expected);
  CHECK(rule_errors("# tabelle\n[[" + repeated("a.", k_deep) + "a]]\n") == expected);
}

TEST_CASE("hostile: more than 1000 acts in a file is one error at the 1001st", "[hostile]") {
  CHECK(rule_errors(repeated("[[act]]\n", 1001)) ==
        std::vector<std::string>{"ostile.toml:1001:1: too many [[act]] tables: 1001, expected at most 1000"});
}

TEST_CASE("hostile: a million acts give one error, not a million", "[hostile]") {
  // 8 MB: the loader refuses such a file by its size; the parser alone must cope too.
  CHECK(rule_errors(repeated("[[act]]\n", 1'000'000)) ==
        std::vector<std::string>{
            "ostile.toml:1001:1: too many [[act]] tables: 1000000, expected at most 1000"});
}

TEST_CASE("hostile: 1000 people are accepted, a role list of 5000 is refused", "[hostile]") {
  std::string people;
  for (int i = 0; i < 1000; ++i) {
    people += "[[person]]\nid = \"p" + std::to_string(i) + "\"\nname = \"P\"\nemail = \"p" +
              std::to_string(i) + "@ente.example.it\"\nroles = [\"giunta\"]\n";
  }
  CHECK(rule_errors(people).empty());
  const std::string roles = "[[person]]\nid = \"p\"\nname = \"P\"\nemail = \"p@ente.example.it\"\n"
                            "roles = [" + repeated("\"giunta\", ", 5000) + "]\n";
  CHECK(rule_errors(roles) ==
        std::vector<std::string>{"ostile.toml:5:" + std::to_string(10 + 1000 * 10) +
                                 ": too many values in \"roles\": 5000, expected at most 1000"});
}

TEST_CASE("hostile: lead_days of 5000 values is refused", "[hostile]") {
  const std::string text = "name = \"Ente\"\n[reminders]\nlead_days = [" + repeated("1, ", 5000) + "0]\n";
  CHECK(config_errors(text) ==
        std::vector<std::string>{"scadenzario.toml:3:" + std::to_string(14 + 1000 * 3) +
                                 ": too many values in \"lead_days\": 5001, expected at most 1000"});
}

TEST_CASE("hostile: 9999-12-31 as tracked_from is a valid date and accepted", "[hostile]") {
  CHECK(config_errors("name = \"Ente\"\ntracked_from = 9999-12-31\n").empty());
}

TEST_CASE("hostile: absolute paths for secrets and state are legitimate", "[hostile]") {
  CHECK(config_errors("name = \"Ente\"\nstate_db = \"/srv/scadenzario/state.db\"\n"
                      "[delivery]\nmaildir = \"/srv/scadenzario/Maildir\"\n"
                      "[smtp]\nurl = \"smtp://mail.example.it\"\nusername = \"s\"\n"
                      "password_file = \"/etc/scadenzario/../scadenzario/credentials/smtp\"\n")
            .empty());
  CHECK(config_errors("name = \"Ente\"\nstate_db = \"var/..state.db\"\n").empty());
}

}  // namespace scadenzario
