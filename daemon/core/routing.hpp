// Which channels carry a notification. Pure.
//
// E-mail ("mail": the Maildir, or SMTP) goes to the people of the recipient; webhooks
// ("webhook:NAME") go to every [delivery] webhook and to the webhooks of the role the
// notification is written to (for a member's own step, the step's role). A role with
// nobody in it but with a webhook gets the webhook alone; with neither, the e-mail is
// kept so that the failure ("nobody to write to") reaches the administrator.
#pragma once

#include "core/planner.hpp"
#include "core/rule_set.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace scadenzario {

inline constexpr std::string_view k_mail_channel = "mail";

// Returns "webhook:NAME".
std::string webhook_channel(std::string_view name);

// Returns the channels of `n`, e-mail first, then webhooks in configuration order.
std::vector<std::string> channels_of(const RuleSet& rules, const Notification& n);

}  // namespace scadenzario
