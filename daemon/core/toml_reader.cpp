#include "core/toml_reader.hpp"

#include <algorithm>
#include <cstdio>

namespace scadenzario {

SourceLocation ParseContext::at(const toml::source_region& region) const {
  return SourceLocation{m_file, region.begin.line, region.begin.column};
}

std::string_view describe_type(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::none: break;
  }
  return "nothing";
}

TableReader::TableReader(const toml::table& table, std::string_view what,
                         std::span<const std::string_view> known_keys, ParseContext& context)
    : m_table(table), m_what(what), m_context(context) {
  for (const auto& [key, value] : table) {
    const std::string_view name = key.str();
    if (std::ranges::find(known_keys, name) != known_keys.end()) continue;
    m_context.error(m_context.at(key.source()),
                    "unknown key \"" + std::string(name) + "\" in " + m_what +
                        did_you_mean(name, known_keys));
  }
}

SourceLocation TableReader::location() const { return m_context.at(m_table.source()); }

SourceLocation TableReader::location_of(std::string_view key) const {
  const toml::node* node = m_table.get(key);
  return node ? m_context.at(node->source()) : location();
}

const toml::node* TableReader::get(std::string_view key, Need need) {
  const toml::node* node = m_table.get(key);
  if (!node && need == Need::required) {
    m_context.error(location(), "missing key \"" + std::string(key) + "\" in " + m_what);
  }
  return node;
}

void TableReader::wrong_type(std::string_view key, const toml::node& node,
                             std::string_view expected) {
  m_context.error(m_context.at(node.source()), "expected " + std::string(expected) + " for \"" +
                                                   std::string(key) + "\", found " +
                                                   std::string(describe_type(node)));
}

namespace {

// Returns the first character of `text` that `kind` forbids, if any.
std::optional<unsigned char> forbidden_character(std::string_view text, Text kind) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool allowed_break = kind == Text::multi_line && (c == '\n' || c == '\t');
    if ((byte < 0x20 && !allowed_break) || byte == 0x7F) return byte;
  }
  return std::nullopt;
}

std::string describe_character(unsigned char byte) {
  if (byte == '\n' || byte == '\r') return "a line break";
  char code[8];
  std::snprintf(code, sizeof code, "U+%04X", byte);
  return std::string("the control character ") + code;
}

// The cycle has about 40 acts and a body a few dozen people; more entries than this in
// one array is a generated or hostile file, refused before each entry costs an error.
constexpr std::size_t k_max_entries = 1000;

}  // namespace

bool TableReader::too_many(std::string_view what, const toml::array& array) {
  if (array.size() <= k_max_entries) return false;
  m_context.error(m_context.at(array[k_max_entries].source()),
                  "too many " + std::string(what) + ": " + std::to_string(array.size()) +
                      ", expected at most " + std::to_string(k_max_entries));
  return true;
}

std::optional<std::string> TableReader::string(std::string_view key, Need need, Text text) {
  const toml::node* node = get(key, need);
  if (!node) return std::nullopt;
  const auto* value = node->as_string();
  if (!value) {
    wrong_type(key, *node, "a string");
    return std::nullopt;
  }
  const std::string& content = value->get();
  if (const auto bad = forbidden_character(content, text)) {
    m_context.error(m_context.at(node->source()),
                    "\"" + std::string(key) + "\" contains " + describe_character(*bad) +
                        (text == Text::single_line ? "; it must be a single line of text" : ""));
    return std::nullopt;
  }
  if (need == Need::required && content.find_first_not_of(" \t\n") == std::string::npos) {
    m_context.error(m_context.at(node->source()), "\"" + std::string(key) + "\" must not be empty");
    return std::nullopt;
  }
  return content;
}

namespace {

bool climbs_out(std::string_view path) {
  if (path.starts_with('/')) return false;
  while (!path.empty()) {
    const std::size_t end = std::min(path.find('/'), path.size());
    if (path.substr(0, end) == "..") return true;
    path.remove_prefix(std::min(end + 1, path.size()));
  }
  return false;
}

}  // namespace

std::optional<std::string> TableReader::path(std::string_view key, Need need) {
  auto value = string(key, need);
  if (!value || !climbs_out(*value)) return value;
  m_context.error(location_of(key), "\"" + std::string(key) + "\" = \"" + *value +
                                        "\" leaves the configuration's directory: expected a "
                                        "path inside it, or an absolute path");
  return std::nullopt;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, Need need,
                                                 std::int64_t min, std::int64_t max) {
  const toml::node* node = get(key, need);
  if (!node) return std::nullopt;
  const auto* value = node->as_integer();
  if (!value) {
    wrong_type(key, *node, "an integer");
    return std::nullopt;
  }
  if (value->get() < min || value->get() > max) {
    m_context.error(m_context.at(node->source()),
                    "\"" + std::string(key) + "\" must be between " + std::to_string(min) +
                        " and " + std::to_string(max) + ", found " + std::to_string(value->get()));
    return std::nullopt;
  }
  return value->get();
}

std::optional<bool> TableReader::boolean(std::string_view key) {
  const toml::node* node = get(key, Need::optional);
  if (!node) return std::nullopt;
  if (const auto* value = node->as_boolean()) return value->get();
  wrong_type(key, *node, "true or false");
  return std::nullopt;
}

std::optional<Date> TableReader::date(std::string_view key, Need need) {
  const toml::node* node = get(key, need);
  if (!node) return std::nullopt;
  const auto* value = node->as_date();
  if (!value) {
    wrong_type(key, *node, "a date such as 2027-01-31");
    return std::nullopt;
  }
  const toml::date& d = value->get();
  return make_date(d.year, d.month, d.day);
}

std::optional<std::vector<std::string>> TableReader::strings(std::string_view key, Need need,
                                                             std::vector<SourceLocation>* locations) {
  const toml::node* node = get(key, need);
  if (!node) return std::nullopt;
  const auto* array = node->as_array();
  if (!array) {
    wrong_type(key, *node, "an array of strings");
    return std::nullopt;
  }
  if (too_many("values in \"" + std::string(key) + "\"", *array)) return std::nullopt;
  std::vector<std::string> result;
  bool ok = true;
  for (const toml::node& element : *array) {
    if (const auto* value = element.as_string()) {
      if (const auto bad = forbidden_character(value->get(), Text::single_line)) {
        m_context.error(m_context.at(element.source()),
                        "\"" + std::string(key) + "\" contains " + describe_character(*bad));
        ok = false;
        continue;
      }
      result.push_back(value->get());
      if (locations) locations->push_back(m_context.at(element.source()));
    } else {
      wrong_type(key, element, "a string in the array");
      ok = false;
    }
  }
  return ok ? std::optional{std::move(result)} : std::nullopt;
}

std::optional<std::vector<std::int64_t>> TableReader::integers(std::string_view key,
                                                               std::int64_t min, std::int64_t max) {
  const toml::node* node = get(key, Need::optional);
  if (!node) return std::nullopt;
  const auto* array = node->as_array();
  if (!array) {
    wrong_type(key, *node, "an array of integers");
    return std::nullopt;
  }
  if (too_many("values in \"" + std::string(key) + "\"", *array)) return std::nullopt;
  std::vector<std::int64_t> result;
  bool ok = true;
  for (const toml::node& element : *array) {
    const auto* value = element.as_integer();
    if (!value) {
      wrong_type(key, element, "an integer in the array");
      ok = false;
    } else if (value->get() < min || value->get() > max) {
      m_context.error(m_context.at(element.source()),
                      "values of \"" + std::string(key) + "\" must be between " +
                          std::to_string(min) + " and " + std::to_string(max) + ", found " +
                          std::to_string(value->get()));
      ok = false;
    } else {
      result.push_back(value->get());
    }
  }
  return ok ? std::optional{std::move(result)} : std::nullopt;
}

const toml::table* TableReader::table(std::string_view key) {
  const toml::node* node = get(key, Need::optional);
  if (!node) return nullptr;
  if (const auto* value = node->as_table()) return value;
  wrong_type(key, *node, "a table");
  return nullptr;
}

std::string TableReader::header_of(std::string_view key) const {
  // Inside "[[act]]" or "[calendar]" the array is "[[act.key]]"; the root has no name.
  std::string_view path = m_what;
  if (!path.starts_with('[')) return "[[" + std::string(key) + "]]";
  while (path.starts_with('[')) path.remove_prefix(1);
  while (path.ends_with(']')) path.remove_suffix(1);
  return "[[" + std::string(path) + "." + std::string(key) + "]]";
}

std::vector<const toml::table*> TableReader::tables(std::string_view key, Need need) {
  std::vector<const toml::table*> result;
  const toml::node* node = get(key, need);
  if (!node) return result;
  const auto* array = node->as_array();
  if (!array) {
    wrong_type(key, *node, "an array of tables (" + header_of(key) + ")");
    return result;
  }
  if (too_many(header_of(key) + " tables", *array)) return result;
  for (const toml::node& element : *array) {
    if (const auto* value = element.as_table()) {
      result.push_back(value);
    } else {
      wrong_type(key, element, "a table (" + header_of(key) + ")");
    }
  }
  return result;
}

namespace {

// toml++ reports a string left open at the end of its line as a forbidden control
// character (the newline); say what the administrator did instead.
std::string describe_syntax_error(const toml::parse_error& error, std::string_view text) {
  const std::string_view description = error.description();
  const auto [line, column] = error.source().begin;
  if (description.starts_with("Error while parsing string: unescaped control characters")) {
    std::size_t offset = 0;
    for (toml::source_index l = 1; l < line && offset != std::string_view::npos; ++l) {
      offset = text.find('\n', offset);
      if (offset != std::string_view::npos) ++offset;
    }
    const std::size_t at = offset == std::string_view::npos ? text.size() : offset + column - 1;
    if (at >= text.size() || text[at] == '\n' || text[at] == '\r') {
      return "unterminated string: the closing '\"' is missing at the end of the line";
    }
  }
  return std::string(description);
}

// toml++ recurses once per part of a dotted key or table header, without a limit: a
// key of tens of thousands of parts overflows the stack. Rule files need a handful.
constexpr int k_max_dotted_parts = 64;

// Returns the line of the first key with more dotted parts than allowed, if any.
// Counts dots outside strings and comments, per line.
std::optional<toml::source_index> find_overlong_key(std::string_view text) {
  toml::source_index line = 1;
  int dots = 0;
  std::string_view quote;  // the open string's delimiter, empty outside strings
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      dots = 0;
      if (quote.size() == 1) quote = {};  // a single-line string ends (unterminated) here
      continue;
    }
    if (!quote.empty()) {
      if (c == '\\' && quote[0] == '"') {
        ++i;
      } else if (text.substr(i).starts_with(quote)) {
        i += quote.size() - 1;
        quote = {};
      }
      continue;
    }
    if (c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      const std::string_view triple = c == '"' ? "\"\"\"" : "'''";
      quote = text.substr(i).starts_with(triple) ? triple : triple.substr(0, 1);
      i += quote.size() - 1;
    } else if (c == '.' && ++dots >= k_max_dotted_parts) {
      return line;
    }
  }
  return std::nullopt;
}

// Returns the length of the valid UTF-8 character at the start of `text` (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_character(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80u) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80u, high = 0xBFu;  // the range of the second byte
  if (lead >= 0xC2u && lead <= 0xDFu) {
    length = 2;
  } else if (lead >= 0xE0u && lead <= 0xEFu) {
    length = 3;
    if (lead == 0xE0u) low = 0xA0u;   // overlong
    if (lead == 0xEDu) high = 0x9Fu;  // surrogates
  } else if (lead >= 0xF0u && lead <= 0xF4u) {
    length = 4;
    if (lead == 0xF0u) low = 0x90u;   // overlong
    if (lead == 0xF4u) high = 0x8Fu;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80u || byte(i) > 0xBFu) return 0;
  }
  return length;
}

// toml++ 3.3.0 takes invalid UTF-8 inside strings as it is, and a NUL byte trips an
// assertion in some builds: both are refused before parsing, at their position.
std::optional<Diagnostic> find_non_text(std::string_view text, const ParseContext& context) {
  std::uint32_t line = 1, column = 1;
  for (std::size_t i = 0; i < text.size(); ++column) {
    const std::size_t length = text[i] == '\0' ? 0 : utf8_character(text.substr(i));
    if (length == 0) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[i]));
      return Diagnostic{{context.file(), line, column},
                        text[i] == '\0' ? std::string("NUL byte: expected UTF-8 text")
                                         : "invalid UTF-8 (byte " + std::string(byte) +
                                               "): expected a file saved as UTF-8"};
    }
    if (text[i] == '\n') {
      ++line;
      column = 0;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace

std::optional<toml::table> parse_toml(std::string_view text, ParseContext& context) {
  if (auto bad = find_non_text(text, context)) {
    context.error(std::move(bad->where), std::move(bad->message));
    return std::nullopt;
  }
  if (const auto line = find_overlong_key(text)) {
    context.error(SourceLocation{context.file(), *line, 1},
                  "key nested too deeply: more than " + std::to_string(k_max_dotted_parts) +
                      " dotted parts on one line");
    return std::nullopt;
  }
  try {
    return toml::parse(text, std::string_view{});
  } catch (const toml::parse_error& error) {
    context.error(context.at(error.source()),
                  "TOML syntax error: " + describe_syntax_error(error, text));
    return std::nullopt;
  } catch (const std::bad_alloc&) {
    context.error(SourceLocation{context.file()}, "out of memory while parsing the file");
    return std::nullopt;
  }
}

}  // namespace scadenzario
