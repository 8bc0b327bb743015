// Secrets and the channel factory: a secret comes from a file or a systemd credential,
// with one trailing line break dropped, and is refused when others may read it; the
// factory builds the e-mail and webhook channels a configuration asks for and reports
// every unreadable secret at once, by name and path, never by content.
#include "notifiers/channel_factory.hpp"
#include "notifiers/secret.hpp"
#include "notifiers/smtp_channel.hpp"

#include "support/temporary_directory.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

namespace scadenzario::notifiers {
namespace {

namespace fs = std::filesystem;

using test::TemporaryDirectory;

}  // namespace

TEST_CASE("read_secret: a file relative to the configuration, one trailing line break dropped",
          "[secret]") {
  const TemporaryDirectory dir;
  dir.write("password", "s3greta\n");
  dir.write("crlf", "s3greta\r\n", 0640);
  dir.write("two-lines", "s3greta\n\n");
  CHECK(read_secret(SecretSource{.file = "password"}, dir.path(), std::nullopt)->reveal() == "s3greta");
  CHECK(read_secret(SecretSource{.file = (dir.path() / "crlf").string()}, "/", std::nullopt)->reveal() == "s3greta");
  CHECK(read_secret(SecretSource{.file = "two-lines"}, dir.path(), std::nullopt)->reveal() == "s3greta\n");
}

TEST_CASE("read_secret: a systemd credential under $CREDENTIALS_DIRECTORY", "[secret]") {
  const TemporaryDirectory dir;
  dir.write("smtp-password", "dal-credential");
  CHECK(read_secret(SecretSource{.credential = "smtp-password"}, "/etc", dir.path())->reveal() == "dal-credential");
  const auto unset = read_secret(SecretSource{.credential = "smtp-password"}, "/etc", std::nullopt);
  REQUIRE_FALSE(unset);
  CHECK(unset.error() == "credential \"smtp-password\": $CREDENTIALS_DIRECTORY is not set (LoadCredential= in the unit)");
}

TEST_CASE("read_secret: missing, readable by others, empty, a directory: errors without the content",
          "[secret]") {
  const TemporaryDirectory dir;
  const fs::path open = dir.write("open", "visibile", 0644);
  const fs::path empty = dir.write("empty", "\n");
  const auto p = dir.path().string();
  CHECK(read_secret(SecretSource{.file = "missing"}, dir.path(), std::nullopt).error() ==
        "secret " + p + "/missing: No such file or directory");
  CHECK(read_secret(SecretSource{.file = "open"}, dir.path(), std::nullopt).error() ==
        "secret " + p + "/open: readable by others; chmod o-r it");
  CHECK(read_secret(SecretSource{.file = "empty"}, dir.path(), std::nullopt).error() == "secret " + p + "/empty: empty");
  CHECK(read_secret(SecretSource{.file = "."}, dir.path(), std::nullopt).error() ==
        "secret " + p + "/.: not a regular file");
}

TEST_CASE("Secret: moving leaves the source empty", "[secret]") {
  Secret first("abc");
  Secret second(std::move(first));
  CHECK(first.empty());  // NOLINT(bugprone-use-after-move): the contract under test
  CHECK(second.reveal() == "abc");
}

TEST_CASE("make_channels: the Maildir without [smtp], SMTP with its connections, a channel per webhook",
          "[channels]") {
  const TemporaryDirectory dir;
  dir.write("webhook-secret", "whsec_Zm9vYmFy\n");
  Config config;
  config.delivery.maildir = "Maildir";
  const ChannelEnvironment environment{.config_dir = dir.path()};
  auto maildir = make_channels(config, environment);
  REQUIRE(maildir);
  REQUIRE(maildir->size() == 1);
  REQUIRE(maildir->at("mail").size() == 1);
  CHECK(maildir->at("mail").front()->name() == "maildir");
  CHECK(fs::is_directory(dir.path() / "Maildir" / "new"));

  config.delivery.smtp = SmtpSettings{.url = "smtp://127.0.0.1:2525", .security = SmtpSecurity::none,
                                      .connections = 3};
  config.delivery.webhook_targets = {
      WebhookSettings{.name = "documentale", .url = "http://127.0.0.1:9/", .secret = {.file = "webhook-secret"}},
      WebhookSettings{.name = "teams", .url = "https://hooks.example.it/x", .preset = WebhookPreset::teams}};
  auto both = make_channels(config, environment);
  REQUIRE(both);
  std::vector<std::string> names;
  for (const auto& [name, connections] : *both) names.push_back(name);
  CHECK(names == std::vector<std::string>{"mail", "webhook:documentale", "webhook:teams"});
  REQUIRE(both->at("mail").size() == 3);
  CHECK(both->at("mail").front()->name() == "smtp");
  CHECK(both->at("mail")[0] != both->at("mail")[2]);  // one channel, so one connection, each
  REQUIRE(both->at("webhook:teams").size() == 1);
  CHECK(both->at("webhook:documentale").front()->name() == "webhook");
}

TEST_CASE("make_channels: every unreadable secret reported, by where it is", "[channels]") {
  const TemporaryDirectory dir;
  dir.write("bad-whsec", "whsec_***");
  Config config;
  config.delivery.smtp = SmtpSettings{.url = "smtp://mail.example.it", .username = "u",
                                      .password = {.credential = "smtp-password"}};
  config.delivery.webhook_targets = {
      WebhookSettings{.name = "a", .url = "https://a.example.it", .secret = {.file = "missing"}},
      WebhookSettings{.name = "b", .url = "https://b.example.it", .secret = {.file = "bad-whsec"}}};
  const auto channels = make_channels(config, ChannelEnvironment{.config_dir = dir.path()});
  REQUIRE_FALSE(channels);
  CHECK(channels.error() ==
        std::vector<std::string>{
            "[smtp] credential \"smtp-password\": $CREDENTIALS_DIRECTORY is not set (LoadCredential= in the unit)",
            "webhook \"a\": secret " + dir.path().string() + "/missing: No such file or directory",
            "webhook \"b\": the secret starts with \"whsec_\" but the rest is not base64"});
}

TEST_CASE("smtp_url_with_ehlo: the url's own name, else this host's", "[smtp]") {
  CHECK(smtp_url_with_ehlo("smtp://mail.example.it:587", "server1") == "smtp://mail.example.it:587/server1");
  CHECK(smtp_url_with_ehlo("smtp://mail.example.it/", "server1") == "smtp://mail.example.it/server1");
  CHECK(smtp_url_with_ehlo("smtps://mail.example.it/ente.example.it", "server1") ==
        "smtps://mail.example.it/ente.example.it");
}

TEST_CASE("make_test_message: to the given people, from the body, no attachment, a new id each time",
          "[channels]") {
  Config config;
  config.name = "Camera di commercio di Prova";
  const Message message = make_test_message(config, {{"Anna Neri", "anna@example.it"}}, 1801555200);
  CHECK(message.to == std::vector<Address>{{"Anna Neri", "anna@example.it"}});
  CHECK(message.subject == "[Scadenzario] Messaggio di prova");
  CHECK(message.body.find("Camera di commercio di Prova") != std::string::npos);
  CHECK(message.items.empty());
  CHECK(message.id.size() == 16);
  CHECK(make_test_message(config, message.to, 1801555201).id != message.id);
}

}  // namespace scadenzario::notifiers
