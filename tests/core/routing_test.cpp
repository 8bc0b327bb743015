// Routing: which channels carry a notification. E-mail to the people of the role it is
// written to, the role's webhooks and [delivery] webhooks, in configuration order; a
// role with nobody in it keeps the e-mail only when no webhook would carry it.
#include "core/routing.hpp"
#include "sample_rules.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

namespace scadenzario {
namespace {


struct Fixture {
  RuleSet rules;
  std::vector<Occurrence> occurrences;

  Fixture() : rules(load()), occurrences(expand_year(rules, Calendar(rules.config.calendar), 2027)) {}

  static RuleSet load() {
    Diagnostics errors;
    RuleSet rules = test::parse_with_base(test::k_sample_rules, "routing.toml", errors);
    for (const Diagnostic& error : errors) FAIL(error.to_string());
    // The base configuration has one webhook, teams-giunta; add a second after it.
    rules.config.delivery.webhook_targets.push_back(
        WebhookSettings{.name = "documentale", .url = "https://documentale.example.it/hook"});
    return rules;
  }

  void give_webhook(std::string_view actor, std::string name) {
    const auto it = std::ranges::find(rules.actors, actor, &Actor::id);
    REQUIRE(it != rules.actors.end());
    it->webhooks.push_back(std::move(name));
  }

  Notification notification(std::string_view act, std::size_t step, std::string recipient,
                            std::string member = "", int level = 0) const {
    const auto it = std::ranges::find_if(occurrences, [&](const Occurrence& o) { return o.act->id == act; });
    REQUIRE(it != occurrences.end());
    return Notification{.kind = level == 0 ? NotificationKind::reminder : NotificationKind::escalation,
                        .occurrence = &*it,
                        .step = &it->steps.at(step),
                        .member = std::move(member),
                        .recipient = std::move(recipient),
                        .level = level};
  }
};

using Channels = std::vector<std::string>;

}  // namespace

TEST_CASE("channels_of: without webhooks, e-mail alone", "[routing]") {
  Fixture f;
  CHECK(channels_of(f.rules, f.notification("piano", 0, "segretario_generale")) == Channels{"mail"});
}

TEST_CASE("channels_of: a role's webhook joins its e-mail", "[routing]") {
  Fixture f;
  f.give_webhook("giunta", "teams-giunta");
  CHECK(channels_of(f.rules, f.notification("piano", 1, "giunta")) ==
        Channels{"mail", "webhook:teams-giunta"});
  // Another role's notification does not reach the Giunta's webhook.
  CHECK(channels_of(f.rules, f.notification("piano", 0, "segretario_generale")) == Channels{"mail"});
}

TEST_CASE("channels_of: [delivery] webhooks get every notification, in configuration order",
          "[routing]") {
  Fixture f;
  f.rules.config.delivery.webhooks = {"documentale"};
  f.give_webhook("giunta", "teams-giunta");
  CHECK(channels_of(f.rules, f.notification("piano", 0, "segretario_generale")) ==
        Channels{"mail", "webhook:documentale"});
  CHECK(channels_of(f.rules, f.notification("piano", 1, "giunta")) ==
        Channels{"mail", "webhook:teams-giunta", "webhook:documentale"});
  // Named by both the role and [delivery]: one delivery.
  f.give_webhook("giunta", "documentale");
  CHECK(channels_of(f.rules, f.notification("piano", 1, "giunta")) ==
        Channels{"mail", "webhook:teams-giunta", "webhook:documentale"});
}

TEST_CASE("channels_of: a role with nobody in it and a webhook gets the webhook alone",
          "[routing]") {
  Fixture f;
  f.give_webhook("oiv", "documentale");
  CHECK(channels_of(f.rules, f.notification("relazione", 0, "oiv")) == Channels{"webhook:documentale"});
}

TEST_CASE("channels_of: a role with nobody and no webhook keeps the e-mail, which reports it",
          "[routing]") {
  Fixture f;
  CHECK(channels_of(f.rules, f.notification("relazione", 0, "oiv")) == Channels{"mail"});
}

TEST_CASE("channels_of: a member's own reminder follows the webhooks of the step's role",
          "[routing]") {
  Fixture f;
  f.give_webhook("dirigenti", "documentale");
  CHECK(channels_of(f.rules, f.notification("report", 0, "anna", "anna")) ==
        Channels{"mail", "webhook:documentale"});
}

TEST_CASE("channels_of: an escalation follows the webhooks of the role it goes to", "[routing]") {
  Fixture f;
  f.give_webhook("giunta", "teams-giunta");
  f.give_webhook("dirigenti", "documentale");
  // The Segretario's late step escalates to the Giunta: the Giunta's webhook.
  CHECK(channels_of(f.rules, f.notification("piano", 0, "giunta", "", 1)) ==
        Channels{"mail", "webhook:teams-giunta"});
  // A dirigente's late step escalates to the Segretario, who has none.
  CHECK(channels_of(f.rules, f.notification("report", 0, "segretario_generale", "anna", 1)) ==
        Channels{"mail"});
}

}  // namespace scadenzario
