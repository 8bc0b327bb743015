// The webhook channel (libcurl): one HTTP POST of a JSON body per message (see
// webhook_body.hpp), with the Standard Webhooks headers: webhook-id = Message::id (the
// same on every retry, for the receiver to drop duplicates), webhook-timestamp = `now`
// in unix seconds, and webhook-signature when a secret is set. One libcurl handle per
// channel: the requests of a batch share one connection; end_batch() closes it.
//
// Outcomes: see http_verdict() in curl_easy.hpp; a Retry-After (seconds or an HTTP
// date) on a transient reply is returned in retry_after. `detail` names the host only:
// the path of a Teams or Slack url is itself a secret.
#pragma once

#include "core/delivery_settings.hpp"
#include "notifiers/channel.hpp"
#include "notifiers/secret.hpp"

#include <chrono>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scadenzario::notifiers {

struct WebhookChannelOptions {
  std::string name;  // the [[webhook]] name, for details
  std::string url;
  WebhookPreset preset = WebhookPreset::standard;
  Secret key;  // the HMAC key (webhook_key() of the secret); empty: unsigned
  std::vector<HttpHeader> headers;
  std::string ca_file;  // empty: the system's CA store
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{15'000};
};

std::unique_ptr<Channel> make_webhook_channel(WebhookChannelOptions options);

// Returns the delay a Retry-After value asks for, seen at `now`: delay-seconds, or an
// HTTP date (past dates give 0); nullopt when it is neither.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now);

}  // namespace scadenzario::notifiers
