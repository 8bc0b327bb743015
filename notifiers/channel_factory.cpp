#include "notifiers/channel_factory.hpp"

#include "core/routing.hpp"
#include "notifiers/curl_easy.hpp"
#include "notifiers/maildir_channel.hpp"
#include "notifiers/rfc5322.hpp"
#include "notifiers/smtp_channel.hpp"
#include "notifiers/webhook_channel.hpp"
#include "notifiers/webhook_signature.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

namespace scadenzario::notifiers {

namespace {

namespace fs = std::filesystem;

fs::path resolve(const ChannelEnvironment& environment, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return environment.config_dir / path;
}

std::expected<std::vector<std::unique_ptr<Channel>>, std::string> smtp_channels(
    const Config& config, const ChannelEnvironment& environment) {
  const SmtpSettings& smtp = *config.delivery.smtp;
  SmtpChannelOptions options{
      .url = smtp_url_with_ehlo(smtp.url, environment.host_name),
      .security = smtp.security,
      .username = smtp.username,
      .ca_file = resolve(environment, smtp.ca_file).string(),
      .from = Address{config.delivery.from_name, config.delivery.from_address},
      .envelope_from = smtp.envelope_from.empty() ? config.delivery.from_address : smtp.envelope_from,
      .connect_timeout = smtp.connect_timeout,
      .timeout = smtp.timeout};
  if (smtp.password.is_set()) {
    auto password = read_secret(smtp.password, environment.config_dir, environment.credentials_dir);
    if (!password) return std::unexpected("[smtp] " + password.error());
    options.password = std::move(*password);
  }
  std::vector<std::unique_ptr<Channel>> connections;
  for (int i = 1; i < smtp.connections; ++i) {
    SmtpChannelOptions copy{options.url, options.security, options.username, Secret(options.password.reveal()),
                            options.ca_file, options.from, options.envelope_from, options.connect_timeout,
                            options.timeout};
    connections.push_back(make_smtp_channel(std::move(copy)));
  }
  connections.push_back(make_smtp_channel(std::move(options)));
  return connections;
}

std::expected<std::unique_ptr<Channel>, std::string> webhook_channel(
    const WebhookSettings& webhook, const ChannelEnvironment& environment) {
  WebhookChannelOptions options{.name = webhook.name,
                                .url = webhook.url,
                                .preset = webhook.preset,
                                .headers = webhook.headers,
                                .connect_timeout = std::min<std::chrono::milliseconds>(
                                    std::chrono::seconds{10}, webhook.timeout),
                                .timeout = webhook.timeout};
  if (webhook.secret.is_set()) {
    const auto secret = read_secret(webhook.secret, environment.config_dir, environment.credentials_dir);
    if (!secret) return std::unexpected("webhook \"" + webhook.name + "\": " + secret.error());
    auto key = webhook_key(secret->reveal());
    if (!key || key->empty()) {
      return std::unexpected("webhook \"" + webhook.name +
                             "\": the secret starts with \"whsec_\" but the rest is not base64");
    }
    options.key = Secret(std::move(*key));
  }
  return make_webhook_channel(std::move(options));
}

}  // namespace

ChannelEnvironment process_environment(const fs::path& config_path) {
  ChannelEnvironment environment{.config_dir = config_path.parent_path()};
  if (const char* credentials = std::getenv("CREDENTIALS_DIRECTORY"); credentials && *credentials) {
    environment.credentials_dir = fs::path(credentials);
  }
  char host[HOST_NAME_MAX + 1] = {};
  if (::gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') environment.host_name = host;
  return environment;
}

std::expected<Channels, std::vector<std::string>> make_channels(const Config& config,
                                                                const ChannelEnvironment& environment) {
  Channels channels;
  std::vector<std::string> errors;
  if (config.delivery.smtp || !config.delivery.webhook_targets.empty()) {
    if (auto curl = load_curl(); !curl) return std::unexpected(std::vector<std::string>{curl.error()});
  }
  const std::string mail(k_mail_channel);
  if (config.delivery.smtp) {
    auto email = smtp_channels(config, environment);
    if (email) channels.emplace(mail, std::move(*email));
    else errors.push_back(email.error());
  } else {
    const fs::path maildir = environment.maildir.value_or(resolve(environment, config.delivery.maildir));
    channels[mail].push_back(make_maildir_channel(
        maildir, Address{config.delivery.from_name, config.delivery.from_address}));
  }
  for (const WebhookSettings& webhook : config.delivery.webhook_targets) {
    auto channel = webhook_channel(webhook, environment);
    if (channel) channels[scadenzario::webhook_channel(webhook.name)].push_back(std::move(*channel));
    else errors.push_back(channel.error());
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return channels;
}

Message make_test_message(const Config& config, std::vector<Address> to, std::time_t now) {
  Message message{.to = std::move(to), .organization = config.name};
  message.keys = {"send-test/" + std::to_string(now)};
  message.id = message_id(body_identity(config), message.keys);
  message.subject = "[Scadenzario] Messaggio di prova";
  message.body = "Messaggio di prova di scadenzario" +
                 (config.name.empty() ? std::string() : " (" + config.name + ")") +
                 ".\n\nSe lo leggete, la consegna funziona: non occorre fare nulla.\n";
  return message;
}

}  // namespace scadenzario::notifiers
