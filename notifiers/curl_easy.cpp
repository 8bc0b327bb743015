#include "notifiers/curl_easy.hpp"

namespace scadenzario::notifiers {

namespace {

using Outcome = DeliveryResult::Outcome;

// curl_global_init is not thread-safe in every build: run it once, before any handle.
bool global_init() {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return initialised;
}

}  // namespace

CurlEasy make_curl_easy() {
  if (!global_init()) return nullptr;
  return CurlEasy(curl_easy_init());
}

bool append(CurlList& list, const std::string& item) {
  curl_slist* longer = curl_slist_append(list.get(), item.c_str());
  if (!longer) return false;
  (void)list.release();  // now owned by `longer`, its new head
  list.reset(longer);
  return true;
}

Outcome smtp_outcome(CURLcode code, long reply) {
  if (code == CURLE_OK) return Outcome::delivered;
  if (code == CURLE_LOGIN_DENIED) return Outcome::transient;
  if (reply >= 500 && reply <= 599) return Outcome::permanent;
  return Outcome::transient;
}

Outcome http_outcome(CURLcode code, long status) {
  if (code != CURLE_OK || status == 0) return Outcome::transient;
  if (status >= 200 && status <= 299) return Outcome::delivered;
  if (status == 408 || status == 429 || status >= 500) return Outcome::transient;
  return Outcome::permanent;
}

std::string redacted_url(std::string_view url) {
  const std::size_t separator = url.find("://");
  if (separator == std::string_view::npos) return "(url)";
  const std::size_t start = separator + 3;
  std::string_view authority = url.substr(start, url.find_first_of("/?#", start) - start);
  authority.remove_prefix(authority.rfind('@') == std::string_view::npos ? 0 : authority.rfind('@') + 1);
  return std::string(url.substr(0, start)) + std::string(authority);
}

}  // namespace scadenzario::notifiers
