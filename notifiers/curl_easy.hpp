// libcurl loaded on first use, RAII for its handles, and the one place that maps a
// libcurl result and the peer's reply code to a delivery outcome (transient or
// permanent), per protocol.
#pragma once

#include "notifiers/channel.hpp"

#include <curl/curl.h>

#include <ctime>
#include <expected>
#include <memory>
#include <string>
#include <string_view>

namespace scadenzario::notifiers {

// The functions of libcurl that the channels use, from the library loaded at run time
// (dlopen) when the first SMTP or webhook channel is built. The default Maildir delivery
// and the command-line tool thus never load libcurl and what it links (GnuTLS, p11-kit,
// Kerberos, LDAP, HTTP/2...): about 4 MB of resident memory and milliseconds of start-up
// for every command.
struct CurlApi {
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  CURLHcode (*easy_header)(CURL*, const char*, std::size_t, unsigned int, int, curl_header**);
  const char* (*easy_strerror)(CURLcode);
  std::time_t (*get_date)(const char*, const std::time_t*);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

// Loads libcurl and sets up its global state, once; or says why it cannot.
std::expected<const CurlApi*, std::string> load_curl();

// Returns the loaded libcurl. The channel factory calls load_curl() before it builds a
// network channel, so a failure here is a bug: it ends the program with the reason.
const CurlApi& curl();

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl().easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl().slist_free_all(list); }
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
