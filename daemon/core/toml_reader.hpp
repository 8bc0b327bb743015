// Typed, located access to one TOML table, shared by the rule and config parsers.
// Every wrong type, missing key or unknown key becomes a Diagnostic with the position
// toml++ recorded; nothing throws. Internal to the core (includes toml++).
#pragma once

#include "core/civil_date.hpp"
#include "core/diagnostic.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scadenzario {

// The file being parsed and the list its errors go to.
class ParseContext {
public:
  ParseContext(std::string_view file, Diagnostics& errors) : m_file(file), m_errors(errors) {}

  SourceLocation at(const toml::source_region& region) const;
  const FileName& file() const { return m_file; }
  void error(SourceLocation where, std::string message) {
    m_errors.push_back(Diagnostic{std::move(where), std::move(message)});
  }
  std::size_t error_count() const { return m_errors.size(); }

private:
  FileName m_file;  // shared by every location of the file
  Diagnostics& m_errors;
};

// Returns the TOML type of `node` with an article, for messages ("an integer").
std::string_view describe_type(const toml::node& node);

enum class Need { optional, required };

// What a string may contain: one line (ids, names, addresses, anything that may end up
// in a mail header), or free text with line breaks and tabs (purpose, note).
enum class Text { single_line, multi_line };

class TableReader {
public:
  // Reports every key of `table` that is not in `known_keys` as an error.
  // `what` names the table in messages, e.g. "[[act]]".
  TableReader(const toml::table& table, std::string_view what,
              std::span<const std::string_view> known_keys, ParseContext& context);

  bool has(std::string_view key) const { return m_table.contains(key); }
  SourceLocation location() const;
  SourceLocation location_of(std::string_view key) const;
  ParseContext& context() { return m_context; }

  // A required string must not be empty; no string may hold control characters
  // (header injection, terminal escapes), and single-line ones no line breaks.
  std::optional<std::string> string(std::string_view key, Need need,
                                    Text text = Text::single_line);
  // A file or directory: a single-line string that, when relative (to the configuration
  // file's directory), stays inside that directory. ".." parts must be written as an
  // absolute path, so that a file never points outside the installation by accident.
  std::optional<std::string> path(std::string_view key, Need need);
  std::optional<std::int64_t> integer(std::string_view key, Need need, std::int64_t min,
                                      std::int64_t max);
  std::optional<bool> boolean(std::string_view key);
  std::optional<Date> date(std::string_view key, Need need);
  std::optional<std::vector<std::string>> strings(std::string_view key, Need need,
                                                  std::vector<SourceLocation>* locations = nullptr);
  std::optional<std::vector<std::int64_t>> integers(std::string_view key, std::int64_t min,
                                                    std::int64_t max);
  const toml::table* table(std::string_view key);
  // Returns the tables of an array of tables ([[key]]), empty when absent.
  std::vector<const toml::table*> tables(std::string_view key, Need need);

private:
  const toml::node* get(std::string_view key, Need need);
  // Returns how the array of tables `key` of this table is written, e.g. "[[act.step]]".
  std::string header_of(std::string_view key) const;
  void wrong_type(std::string_view key, const toml::node& node, std::string_view expected);
  // Reports an array of more than 1000 entries (`what`: "[[act]] tables") at the first
  // one too many; true when it did.
  bool too_many(std::string_view what, const toml::array& array);

  const toml::table& m_table;
  std::string m_what;
  ParseContext& m_context;
};

// Parses `text` as TOML; on a syntax error records it and returns nullopt.
std::optional<toml::table> parse_toml(std::string_view text, ParseContext& context);

}  // namespace scadenzario
