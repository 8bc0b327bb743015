#include "core/display_width.hpp"

#include <algorithm>

namespace scadenzario {

std::size_t display_width(std::string_view text) {
  // Every byte but a continuation byte (10xxxxxx) starts a code point.
  return static_cast<std::size_t>(std::ranges::count_if(
      text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u; }));
}

}  // namespace scadenzario
