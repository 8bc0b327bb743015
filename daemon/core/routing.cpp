#include "core/routing.hpp"

#include "core/message.hpp"

#include <algorithm>

namespace scadenzario {

std::string webhook_channel(std::string_view name) { return "webhook:" + std::string(name); }

std::vector<std::string> channels_of(const RuleSet& rules, const Notification& n) {
  // The role the notification is written to: a member's own reminder belongs to the
  // step's role; anything else names its role as recipient.
  const bool own_step = !n.member.empty() && n.level == 0;
  const Actor* role = rules.find_actor(own_step ? std::string_view(n.step->step->actor)
                                                : std::string_view(n.recipient));
  std::vector<std::string> names = rules.config.delivery.webhooks;
  if (role) {
    for (const std::string& name : role->webhooks) {
      if (std::ranges::find(names, name) == names.end()) names.push_back(name);
    }
  }
  std::vector<std::string> channels;
  if (!recipients_of(rules, n).empty() || names.empty()) channels.emplace_back(k_mail_channel);
  // Configuration order, whoever named them.
  for (const auto& webhook : rules.config.delivery.webhook_targets) {
    if (std::ranges::find(names, webhook.name) != names.end()) {
      channels.push_back(webhook_channel(webhook.name));
    }
  }
  return channels;
}

}  // namespace scadenzario
