// Test helper: delivers sample messages through a real SMTP or webhook channel, so that
// smtp_peer_test.py and webhook_peer_test.py can check what real peers on 127.0.0.1 receive and
// how each of their answers is classified. One line per delivery on stdout:
//   OUTCOME<TAB>RETRY_AFTER_SECONDS or -<TAB>SCOPE<TAB>REFUSED or -<TAB>DETAIL
// (REFUSED: the addresses refused alone, separated by commas)
//
//   channel_driver smtp URL SECURITY [--ca FILE] [--user NAME --password-file FILE]
//                  [--timeout-ms N] [--count N] [--to ADDRESS[,ADDRESS...]] [--id-prefix P]
//   channel_driver webhook URL PRESET [--ca FILE] [--secret-file FILE] [--timeout-ms N]
//                  [--count N] [--id-prefix P] [--now UNIX]
#include "notifiers/smtp_channel.hpp"
#include "notifiers/webhook_channel.hpp"
#include "notifiers/webhook_signature.hpp"
#include "sample_message.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

namespace {

using namespace scadenzario;
using namespace scadenzario::notifiers;

std::map<std::string, std::string> parse_options(int argc, char** argv, int first) {
  std::map<std::string, std::string> options;
  for (int i = first; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  return options;
}

std::string option(const std::map<std::string, std::string>& options, const std::string& name,
                   const std::string& fallback = "") {
  const auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

Secret secret_from(const std::string& path) {
  if (path.empty()) return {};
  const auto secret = read_secret(SecretSource{.file = path}, "/", std::nullopt);
  if (!secret) {
    std::cerr << secret.error() << "\n";
    std::exit(2);
  }
  return Secret(std::string(secret->reveal()));
}

std::unique_ptr<Channel> smtp(const std::string& url, const std::string& security,
                              const std::map<std::string, std::string>& options) {
  const std::map<std::string, SmtpSecurity> securities = {{"starttls", SmtpSecurity::starttls},
                                                          {"starttls-optional", SmtpSecurity::starttls_optional},
                                                          {"tls", SmtpSecurity::tls},
                                                          {"none", SmtpSecurity::none}};
  return make_smtp_channel(SmtpChannelOptions{
      .url = smtp_url_with_ehlo(url, "driver.example.it"),
      .security = securities.at(security),
      .username = option(options, "--user"),
      .password = secret_from(option(options, "--password-file")),
      .ca_file = option(options, "--ca"),
      .from = test::sample_from(),
      .envelope_from = "bounces@cciaa.example.it",
      .timeout = std::chrono::milliseconds{std::stol(option(options, "--timeout-ms", "10000"))}});
}

std::unique_ptr<Channel> webhook(const std::string& url, const std::string& preset,
                                 const std::map<std::string, std::string>& options) {
  const std::map<std::string, WebhookPreset> presets = {
      {"standard", WebhookPreset::standard}, {"teams", WebhookPreset::teams}, {"slack", WebhookPreset::slack}};
  const Secret secret = secret_from(option(options, "--secret-file"));
  const auto key = webhook_key(secret.reveal());
  return make_webhook_channel(WebhookChannelOptions{
      .name = "test",
      .url = url,
      .preset = presets.at(preset),
      .key = Secret(key.value_or("")),
      .headers = {{"X-Ente", "Camera di commercio di Prova"}},
      .ca_file = option(options, "--ca"),
      .timeout = std::chrono::milliseconds{std::stol(option(options, "--timeout-ms", "10000"))}});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: channel_driver smtp|webhook URL SECURITY|PRESET [options]\n";
    return 2;
  }
  const std::string kind = argv[1];
  const auto options = parse_options(argc, argv, 4);
  auto channel = kind == "smtp" ? smtp(argv[2], argv[3], options) : webhook(argv[2], argv[3], options);
  const int count = std::stoi(option(options, "--count", "1"));
  const std::time_t now = std::stoll(option(options, "--now", std::to_string(test::k_sample_now)));
  for (int i = 0; i < count; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "%s%08d", option(options, "--id-prefix", "00c0ffee").c_str(), i);
    Message message = test::sample_message(id);
    if (const std::string to = option(options, "--to"); !to.empty()) {
      message.to.clear();
      message.cc.clear();
      for (std::size_t start = 0; start <= to.size();) {
        const std::size_t comma = std::min(to.find(',', start), to.size());
        message.to.push_back({"", to.substr(start, comma - start)});
        start = comma + 1;
      }
    }
    const DeliveryResult result = channel->deliver(message, now);
    std::string refused;
    for (const RefusedRecipient& r : result.refused) refused += (refused.empty() ? "" : ",") + r.email;
    std::cout << to_string(result.outcome) << '\t'
              << (result.retry_after ? std::to_string(result.retry_after->count()) : "-") << '\t'
              << to_string(result.scope) << '\t' << (refused.empty() ? "-" : refused) << '\t' << result.detail
              << std::endl;
  }
  channel->end_batch();
  return 0;
}
