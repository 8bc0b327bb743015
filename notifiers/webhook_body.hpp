// The JSON body of a webhook request for one message, shaped by the preset:
//   standard: {"type": "scadenzario.notifications", "timestamp": "2027-02-02T08:00:00Z",
//              "data": {"id", "organization", "subject", "notifications": [...]}}, each
//              notification with key, kind, act, act_title, phase, deadline, period, step,
//              actor, actor_title, action, member, recipient, level, due_date, days_left,
//              late, summary;
//   teams:    a message with an Adaptive Card (Teams Workflows "post to a channel");
//   slack:    {"text": ...} in Slack's mrkdwn, for an incoming webhook.
// Pure; the output is compact UTF-8 JSON.
#pragma once

#include "core/delivery_settings.hpp"
#include "core/message.hpp"

#include <ctime>
#include <string>

namespace scadenzario::notifiers {

std::string webhook_body(const Message& message, WebhookPreset preset, std::time_t now);

}  // namespace scadenzario::notifiers
