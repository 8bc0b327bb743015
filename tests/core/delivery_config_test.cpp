// The delivery settings of the configuration: [smtp], [[webhook]] and the webhook names
// of [delivery] and of roles, read into plain values (secrets only as where to read
// them). Every mistake has its own file under tests/data/malformed-config.
#include "test_support.hpp"

#include <catch2/catch.hpp>

namespace scadenzario {
namespace {

const std::string k_head = R"(
name = "Camera di commercio di Prova"
time_zone = "Europe/Rome"
rules_dir = "rules.d"
)";

Config parse(const std::string& text) {
  Diagnostics errors;
  Config config = parse_config(k_head + text, "scadenzario.toml", errors);
  for (const Diagnostic& error : errors) FAIL(error.to_string());
  return config;
}

}  // namespace

TEST_CASE("delivery settings: without [smtp] e-mail stays in the Maildir, no webhooks", "[config][delivery]") {
  const Config config = parse("");
  CHECK_FALSE(config.delivery.smtp);
  CHECK(config.delivery.webhook_targets.empty());
  CHECK(config.delivery.webhooks.empty());
}

TEST_CASE("delivery settings: a full [smtp] table", "[config][delivery]") {
  const Config config = parse(R"(
[smtp]
url = "smtp://mail.example.it:587/scadenzario.example.it"
security = "starttls"
username = "scadenzario"
password_credential = "smtp-password"
ca_file = "/etc/ssl/certs/ente.pem"
from = "bounces@example.it"
timeout_seconds = 30
connect_timeout_seconds = 5
)");
  REQUIRE(config.delivery.smtp);
  const SmtpSettings& smtp = *config.delivery.smtp;
  CHECK(smtp.url == "smtp://mail.example.it:587/scadenzario.example.it");
  CHECK(smtp.security == SmtpSecurity::starttls);
  CHECK(smtp.username == "scadenzario");
  CHECK(smtp.password.credential == "smtp-password");
  CHECK(smtp.password.file.empty());
  CHECK(smtp.password.where.to_string() == "scadenzario.toml:10:23");
  CHECK(smtp.ca_file == "/etc/ssl/certs/ente.pem");
  CHECK(smtp.envelope_from == "bounces@example.it");
  CHECK(smtp.timeout == std::chrono::seconds{30});
  CHECK(smtp.connect_timeout == std::chrono::seconds{5});
}

TEST_CASE("delivery settings: security follows the url's scheme unless given", "[config][delivery]") {
  CHECK(parse("[smtp]\nurl = \"smtp://mail.example.it\"\n").delivery.smtp->security == SmtpSecurity::starttls);
  CHECK(parse("[smtp]\nurl = \"smtps://mail.example.it\"\n").delivery.smtp->security == SmtpSecurity::tls);
  CHECK(parse("[smtp]\nurl = \"smtp://127.0.0.1:25\"\nsecurity = \"none\"\n").delivery.smtp->security ==
        SmtpSecurity::none);
  CHECK(parse("[smtp]\nurl = \"smtp://mail.example.it\"\nsecurity = \"starttls-optional\"\n")
            .delivery.smtp->security == SmtpSecurity::starttls_optional);
  const SmtpSettings defaults = *parse("[smtp]\nurl = \"smtp://mail.example.it\"\n").delivery.smtp;
  CHECK(defaults.timeout == std::chrono::seconds{60});
  CHECK(defaults.connect_timeout == std::chrono::seconds{10});
  CHECK(defaults.username.empty());
  CHECK_FALSE(defaults.password.is_set());
}

TEST_CASE("delivery settings: webhooks with presets, secrets and headers, names for the body and roles",
          "[config][delivery]") {
  const Config config = parse(R"(
[delivery]
webhooks = ["documentale"]

[[webhook]]
name = "documentale"
url = "https://documentale.example.it/hooks/scadenzario"
secret_file = "webhook-secret"
headers = { "X-Ente" = "CCIAA Prova", Authorization = "Bearer abc" }
timeout_seconds = 5

[[webhook]]
name = "teams-giunta"
url = "https://hooks.example.it/giunta"
preset = "teams"

[[webhook]]
name = "slack-locale"
url = "http://127.0.0.1:8080/slack"
preset = "slack"
secret_credential = "slack-secret"
)");
  const Delivery& delivery = config.delivery;
  CHECK(delivery.webhooks == std::vector<std::string>{"documentale"});
  REQUIRE(delivery.webhook_targets.size() == 3);
  const WebhookSettings& documentale = delivery.webhook_targets[0];
  CHECK(documentale.name == "documentale");
  CHECK(documentale.preset == WebhookPreset::standard);
  CHECK(documentale.secret.file == "webhook-secret");
  CHECK(documentale.timeout == std::chrono::seconds{5});
  CHECK(documentale.headers ==
        std::vector<HttpHeader>{{"Authorization", "Bearer abc"}, {"X-Ente", "CCIAA Prova"}});
  CHECK(delivery.webhook_targets[1].preset == WebhookPreset::teams);
  CHECK_FALSE(delivery.webhook_targets[1].secret.is_set());
  CHECK(delivery.webhook_targets[1].timeout == std::chrono::seconds{15});
  CHECK(delivery.webhook_targets[2].preset == WebhookPreset::slack);
  CHECK(delivery.webhook_targets[2].secret.credential == "slack-secret");
  CHECK(delivery.find_webhook("teams-giunta") == &delivery.webhook_targets[1]);
  CHECK(delivery.find_webhook("teams") == nullptr);
  CHECK(to_string(WebhookPreset::teams) == "teams");
  CHECK(to_string(SmtpSecurity::starttls_optional) == "starttls-optional");
}

TEST_CASE("delivery settings: plain http:// to any loopback address, parsed as one", "[config][delivery]") {
  for (const char* url : {"http://127.0.0.1:8080/x", "http://127.1.2.3/x", "http://[::1]:8080/x",
                          "http://localhost:9/x"}) {
    const Config config = parse(std::string("[[webhook]]\nname = \"locale\"\nurl = \"") + url +
                                "\"\npreset = \"slack\"\n");
    INFO(url);
    CHECK(config.delivery.webhook_targets.size() == 1);
  }
}

TEST_CASE("delivery settings: a role names the webhooks that also receive its notifications",
          "[config][delivery]") {
  Diagnostics errors;
  const RuleSet rules = test::parse_with_base(R"(
[[actor]]
id = "presidente"
title = "Presidente"
webhooks = ["teams-giunta"]
)", "ruoli.toml", errors);
  CHECK(errors.empty());
  const Actor* presidente = rules.find_actor("presidente");
  REQUIRE(presidente);
  CHECK(presidente->webhooks == std::vector<std::string>{"teams-giunta"});
}

}  // namespace scadenzario
