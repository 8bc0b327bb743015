// Where something was written in a configuration or rule file, and an error found
// there. Every error a user sees carries file, line and column.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scadenzario {

struct SourceLocation {
  std::string file;
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
