#include "core/toml_reader.hpp"

#include <algorithm>

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

std::optional<std::string> TableReader::string(std::string_view key, Need need) {
  const toml::node* node = get(key, need);
  if (!node) return std::nullopt;
  if (const auto* value = node->as_string()) return value->get();
  wrong_type(key, *node, "a string");
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
  std::vector<std::string> result;
  bool ok = true;
  for (const toml::node& element : *array) {
    if (const auto* value = element.as_string()) {
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

}  // namespace

std::optional<toml::table> parse_toml(std::string_view text, ParseContext& context) {
  try {
    return toml::parse(text, std::string_view{});
  } catch (const toml::parse_error& error) {
    context.error(context.at(error.source()),
                  "TOML syntax error: " + describe_syntax_error(error, text));
    return std::nullopt;
  }
}

}  // namespace scadenzario
