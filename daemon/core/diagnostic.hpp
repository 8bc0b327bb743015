// Where something was written in a configuration or rule file, and an error found
// there. Every error a user sees carries file, line and column.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scadenzario {

// The name of a source file, shared by every location in that file. A large rule set
// holds millions of locations: a copy of the name in each took a third of its memory.
// Names are interned for the life of the process: there are as many as files read.
class FileName {
public:
  FileName() = default;
  FileName(std::string name);  // NOLINT(google-explicit-constructor): a name is a string
  FileName(std::string_view name) : FileName(std::string(name)) {}  // NOLINT
  FileName(const char* name) : FileName(std::string(name)) {}       // NOLINT

  const std::string& str() const;
  operator const std::string&() const { return str(); }  // NOLINT
  bool empty() const { return str().empty(); }

  friend bool operator==(const FileName& a, std::string_view b) { return a.str() == b; }
  friend std::ostream& operator<<(std::ostream& out, const FileName& name);  // for test reports

private:
  const std::string* m_name = nullptr;  // interned; null for no name
};

struct SourceLocation {
  FileName file;
  std::uint32_t line = 0;    // 1-based; 0 when unknown
  std::uint32_t column = 0;  // 1-based; 0 when unknown

  // Returns "file:line:column", or just "file" when the position is unknown.
  std::string to_string() const;
};

struct Diagnostic {
  SourceLocation where;
  std::string message;

  // Returns "file:line:column: message".
  std::string to_string() const;
};

using Diagnostics = std::vector<Diagnostic>;

// Returns the candidate closest to `word` by edit distance, or empty when none is close
// enough to be a plausible typo.
std::string_view closest_match(std::string_view word, std::span<const std::string_view> candidates);

// Returns ` (did you mean "x"?)` for the closest candidate, or an empty string.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace scadenzario
