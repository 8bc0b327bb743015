#include "core/phase.hpp"

#include <array>
#include <cstddef>

namespace scadenzario {

std::string_view phase_name_it(int phase) {
  static constexpr std::array<std::string_view, 4> k_names = {
      "Pianificazione strategica, programmazione e controllo",
      "Misurazione e valutazione della performance organizzativa",
      "Misurazione e valutazione della performance individuale",
      "Rendicontazione e trasparenza",
  };
  return phase >= 1 && phase <= 4 ? k_names[static_cast<std::size_t>(phase - 1)] : "";
}

}  // namespace scadenzario
