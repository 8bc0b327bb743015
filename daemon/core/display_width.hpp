// How many columns UTF-8 text takes on a terminal or in a plain-text mail: one per code
// point. Italian text (accented Latin letters) has no wide or combining characters, so
// code points are columns ("attività" is 8 wide, 9 bytes).
#pragma once

#include <cstddef>
#include <string_view>

namespace scadenzario {

std::size_t display_width(std::string_view text);

}  // namespace scadenzario
