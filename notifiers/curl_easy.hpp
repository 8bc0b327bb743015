// RAII for libcurl's handles, and the one place that maps a libcurl result and the
// peer's reply code to a delivery outcome (transient or permanent), per protocol.
#pragma once

#include "notifiers/channel.hpp"

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>

namespace scadenzario::notifiers {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

// Returns a new easy handle; libcurl's global state is set up once, on first use.
// nullptr only when libcurl cannot allocate.
CurlEasy make_curl_easy();

// Appends `item` to `list`; false when libcurl cannot allocate.
bool append(CurlList& list, const std::string& item);

// SMTP: delivered on CURLE_OK; a rejected login is transient (the administrator fixes
// the password, and every pending message then goes); another 5xx reply (550 to RCPT
// TO, 552, 554) is permanent; everything else (4xx, refused, timeouts, TLS) transient.
DeliveryResult::Outcome smtp_outcome(CURLcode code, long reply);

// HTTP: 2xx delivered; 408, 429 and 5xx transient; any other status permanent (a 3xx
// too: configure the final url); no status at all (refused, timeout, TLS) transient.
DeliveryResult::Outcome http_outcome(CURLcode code, long status);

// Returns `url` without what may be secret (user info, path, query): "https://host:port".
std::string redacted_url(std::string_view url);

}  // namespace scadenzario::notifiers
