#include "notifiers/webhook_signature.hpp"

#include "notifiers/base64.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace scadenzario::notifiers {

std::optional<std::string> webhook_key(std::string_view secret) {
  constexpr std::string_view k_prefix = "whsec_";
  if (!secret.starts_with(k_prefix)) return std::string(secret);
  return base64_decode(secret.substr(k_prefix.size()));
}

std::string sign_webhook(std::string_view key, std::string_view id, std::int64_t timestamp,
                         std::string_view body) {
  const std::string signed_content =
      std::string(id) + "." + std::to_string(timestamp) + "." + std::string(body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(), digest,
       &length);
  return "v1," + base64_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace scadenzario::notifiers
