// The four phases of the ciclo di gestione della performance, as the seed names them.
// Every act belongs to one (Act::phase, 1-4).
#pragma once

#include <string_view>

namespace scadenzario {

// Returns the Italian name of phase 1-4 as the seed gives it; "" for any other number.
std::string_view phase_name_it(int phase);

}  // namespace scadenzario
