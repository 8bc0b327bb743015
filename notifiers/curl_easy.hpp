// libcurl loaded on first use, RAII for its handles, and the one place that maps a
// libcurl result and the peer's reply code to a delivery outcome (transient or
// permanent), per protocol.
#pragma once

#include "notifiers/channel.hpp"

#include <curl/curl.h>

#include <atomic>
#include <ctime>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

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

// Lets another thread stop the transfers of one easy handle at once, in any phase
// (connecting, TLS, waiting for a reply, QUIT): it tracks the sockets libcurl opens for
// the handle, and cancel() shuts them down (libcurl's wait then ends with an error),
// refuses new ones and makes the progress callback abort. Attach it before the first
// transfer and keep it alive until the handle is cleaned up.
class CurlCancel {
public:
  CurlCancel() = default;
  CurlCancel(const CurlCancel&) = delete;
  CurlCancel& operator=(const CurlCancel&) = delete;

  void attach(CURL* easy);
  void cancel();  // thread-safe
  bool is_cancelled() const { return m_cancelled.load(); }

private:
  static curl_socket_t open_socket(void* self, curlsocktype purpose, curl_sockaddr* address);
  static int close_socket(void* self, curl_socket_t socket);
  static int progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

  std::mutex m_mutex;  // guards m_sockets against a close on libcurl's thread
  std::vector<curl_socket_t> m_sockets;
  std::atomic<bool> m_cancelled{false};
};

// How an attempt ended and whose failure it was (see DeliveryResult).
struct Verdict {
  DeliveryResult::Outcome outcome;
  DeliveryResult::Scope scope;

  friend bool operator==(const Verdict&, const Verdict&) = default;
};

// SMTP. `command` is the verb of the last command sent before the reply `reply` ("" for
// the greeting, "MAIL", "RCPT", "DATA", "AUTH"...). Delivered on CURLE_OK. A 5xx to the
// greeting or to MAIL FROM, a refused login and a server without the STARTTLS that the
// configuration requires are configuration errors (permanent: every message would fail
// until an administrator fixes it). Another 5xx (550 to RCPT TO, 552 after DATA) is the
// message's own permanent failure; a 4xx its transient one, but a 421 (closing). No reply
// at all (refused, timeout, TLS, a closed connection) is a transient connection failure.
Verdict smtp_verdict(CURLcode code, long reply, std::string_view command);

// HTTP: 2xx delivered; 401 and 403 configuration errors (the key or the token); 408, 429
// and 5xx transient; any other status permanent (a 3xx too: configure the final url);
// no status at all (refused, timeout, TLS) a transient connection failure.
Verdict http_verdict(CURLcode code, long status);

// Returns `url` without what may be secret (user info, path, query): "https://host:port".
std::string redacted_url(std::string_view url);

}  // namespace scadenzario::notifiers
