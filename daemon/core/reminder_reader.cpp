#include "core/reminder_reader.hpp"

#include <algorithm>
#include <array>
#include <functional>

namespace scadenzario {

namespace {

constexpr std::array<std::string_view, 4> k_reminder_keys = {
    "lead_days", "escalate_after_days", "repeat_every_days", "escalate_further_after_days"};
constexpr std::int64_t k_max_lead_days = 366;

std::optional<int> narrow(std::optional<std::int64_t> value) {
  return value.transform([](std::int64_t v) { return static_cast<int>(v); });
}

}  // namespace

ReminderPolicy read_reminder_policy(const toml::table& table, std::string_view what,
                                    ParseContext& context) {
  TableReader reader(table, std::string(what), k_reminder_keys, context);
  ReminderPolicy policy;
  if (auto lead = reader.integers("lead_days", 0, k_max_lead_days)) {
    std::vector<int> days;
    std::ranges::transform(*lead, std::back_inserter(days),
                           [](std::int64_t d) { return static_cast<int>(d); });
    // Most distant first, each once: the order in which reminders go out.
    std::ranges::sort(days, std::greater<>{});
    const auto [first, last] = std::ranges::unique(days);
    days.erase(first, last);
    policy.lead_days = std::move(days);
  }
  policy.escalate_after_days =
      narrow(reader.integer("escalate_after_days", Need::optional, 0, k_max_lead_days));
  policy.repeat_every_days =
      narrow(reader.integer("repeat_every_days", Need::optional, 1, k_max_lead_days));
  policy.escalate_further_after_days =
      narrow(reader.integer("escalate_further_after_days", Need::optional, 0, k_max_lead_days));
  return policy;
}

}  // namespace scadenzario
