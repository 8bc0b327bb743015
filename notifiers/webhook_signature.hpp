// Standard Webhooks signatures (https://www.standardwebhooks.com/): the receiver checks
// HMAC-SHA256(key, id + "." + timestamp + "." + body) against webhook-signature.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scadenzario::notifiers {

// Returns the signing key of `secret`: the base64-decoded rest of a "whsec_..." secret
// (the form Standard Webhooks libraries hand out), else the secret's bytes as they are;
// nullopt when a "whsec_" secret is not base64.
std::optional<std::string> webhook_key(std::string_view secret);

// Returns the webhook-signature value: "v1," + base64(HMAC-SHA256(key, id.timestamp.body)).
std::string sign_webhook(std::string_view key, std::string_view id, std::int64_t timestamp,
                         std::string_view body);

}  // namespace scadenzario::notifiers
