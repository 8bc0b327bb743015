#include "notifiers/channel.hpp"

namespace scadenzario::notifiers {

std::string_view to_string(DeliveryResult::Outcome outcome) {
  switch (outcome) {
    case DeliveryResult::Outcome::delivered: return "delivered";
    case DeliveryResult::Outcome::transient: return "transient";
    case DeliveryResult::Outcome::permanent: return "permanent";
  }
  return "";
}

}  // namespace scadenzario::notifiers
