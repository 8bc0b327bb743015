#include "notifiers/webhook_body.hpp"

#include <nlohmann/json.hpp>

namespace scadenzario::notifiers {

namespace {

using nlohmann::json;

std::string iso_utc(std::time_t now) {
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

json notification_json(const MessageItem& item) {
  return json{{"key", item.key},
              {"kind", to_string(item.kind)},
              {"act", item.act},
              {"act_title", item.act_title},
              {"phase", item.phase},
              {"deadline", item.deadline},
              {"period", item.period},
              {"step", item.step},
              {"actor", item.actor},
              {"actor_title", item.actor_title},
              {"action", item.action},
              {"member", item.member},
              {"recipient", item.recipient},
              {"level", item.level},
              {"due_date", format_iso(item.due)},
              {"days_left", item.days_left},
              {"late", item.late},
              {"summary", item.summary}};
}

json standard(const Message& message, std::time_t now) {
  json notifications = json::array();
  for (const MessageItem& item : message.items) notifications.push_back(notification_json(item));
  return json{{"type", "scadenzario.notifications"},
              {"timestamp", iso_utc(now)},
              {"data",
               {{"id", message.id},
                {"organization", message.organization},
                {"subject", message.subject},
                {"notifications", std::move(notifications)}}}};
}

std::string countdown_it(int days_left) {
  if (days_left == 0) return "oggi";
  if (days_left == 1) return "domani";
  if (days_left > 1) return "tra " + std::to_string(days_left) + " giorni";
  return days_left == -1 ? "in ritardo di 1 giorno" : "in ritardo di " + std::to_string(-days_left) + " giorni";
}

// "scadenza 29/01/2027 (tra 2 giorni)"
std::string when_it(const MessageItem& item) {
  return "scadenza " + format_it(item.due) + " (" + countdown_it(item.days_left) + ")";
}

json teams(const Message& message) {
  json facts = json::array();
  for (const MessageItem& item : message.items) {
    facts.push_back({{"title", item.summary}, {"value", when_it(item)}});
  }
  json body = json::array({{{"type", "TextBlock"}, {"text", message.subject}, {"weight", "Bolder"}, {"wrap", true}}});
  if (!facts.empty()) body.push_back({{"type", "FactSet"}, {"facts", std::move(facts)}});
  if (!message.organization.empty()) {
    body.push_back({{"type", "TextBlock"}, {"text", message.organization}, {"isSubtle", true}, {"wrap", true}});
  }
  return json{{"type", "message"},
              {"attachments",
               json::array({{{"contentType", "application/vnd.microsoft.card.adaptive"},
                             {"content",
                              {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                               {"type", "AdaptiveCard"},
                               {"version", "1.4"},
                               {"body", std::move(body)}}}}})}};
}

// Slack reads &, < and > as markup: they are escaped, and nothing else is.
std::string slack_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

json slack(const Message& message) {
  std::string text = "*" + slack_escape(message.subject) + "*";
  for (const MessageItem& item : message.items) {
    text += "\n• " + slack_escape(item.summary) + " — " + when_it(item);
  }
  if (!message.organization.empty()) text += "\n_" + slack_escape(message.organization) + "_";
  return json{{"text", std::move(text)}};
}

}  // namespace

std::string webhook_body(const Message& message, WebhookPreset preset, std::time_t now) {
  const json body = preset == WebhookPreset::teams   ? teams(message)
                    : preset == WebhookPreset::slack ? slack(message)
                                                     : standard(message, now);
  // Invalid UTF-8 (which the TOML parser already refuses) would throw: replace it instead.
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace scadenzario::notifiers
