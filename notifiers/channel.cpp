#include "notifiers/channel.hpp"

namespace scadenzario::notifiers {

std::string_view to_string(DeliveryResult::Outcome outcome) {
  switch (outcome) {
    case DeliveryResult::Outcome::delivered: return "delivered";
    case DeliveryResult::Outcome::transient: return "transient";
    case DeliveryResult::Outcome::permanent: return "permanent";
    case DeliveryResult::Outcome::cancelled: return "cancelled";
  }
  return "";
}

std::string_view to_string(DeliveryResult::Scope scope) {
  switch (scope) {
    case DeliveryResult::Scope::message: return "message";
    case DeliveryResult::Scope::connection: return "connection";
    case DeliveryResult::Scope::configuration: return "configuration";
  }
  return "";
}

}  // namespace scadenzario::notifiers
