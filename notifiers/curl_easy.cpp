#include "notifiers/curl_easy.hpp"

#include <dlfcn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace scadenzario::notifiers {

namespace {

using Outcome = DeliveryResult::Outcome;

// The soname of libcurl4 (libcurl4-openssl-dev's headers describe this ABI).
constexpr const char* k_curl_soname = "libcurl.so.4";

template <typename Function>
bool resolve(void* library, const char* name, Function& function, std::string& missing) {
  function = reinterpret_cast<Function>(dlsym(library, name));
  if (!function) missing += std::string(missing.empty() ? "" : ", ") + name;
  return function != nullptr;
}

std::expected<CurlApi, std::string> open_curl() {
  // Never unloaded: handles and TLS state live until the process ends.
  void* library = dlopen(k_curl_soname, RTLD_NOW | RTLD_LOCAL);
  if (!library) return std::unexpected(std::string("cannot load libcurl: ") + dlerror());
  CurlApi api{};
  std::string missing;
  CURLcode (*global_init)(long) = nullptr;
  resolve(library, "curl_global_init", global_init, missing);
  resolve(library, "curl_easy_init", api.easy_init, missing);
  resolve(library, "curl_easy_cleanup", api.easy_cleanup, missing);
  resolve(library, "curl_easy_setopt", api.easy_setopt, missing);
  resolve(library, "curl_easy_perform", api.easy_perform, missing);
  resolve(library, "curl_easy_getinfo", api.easy_getinfo, missing);
  resolve(library, "curl_easy_header", api.easy_header, missing);
  resolve(library, "curl_easy_strerror", api.easy_strerror, missing);
  resolve(library, "curl_getdate", api.get_date, missing);
  resolve(library, "curl_slist_append", api.slist_append, missing);
  resolve(library, "curl_slist_free_all", api.slist_free_all, missing);
  if (!missing.empty()) {
    return std::unexpected(std::string(k_curl_soname) + " lacks " + missing + " (libcurl 7.84 or later is needed)");
  }
  // Not thread-safe in every build: run once, before any handle (a function static).
  if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    return std::unexpected(std::string("libcurl: curl_global_init failed"));
  }
  return api;
}

}  // namespace

std::expected<const CurlApi*, std::string> load_curl() {
  static const std::expected<CurlApi, std::string> loaded = open_curl();
  if (!loaded) return std::unexpected(loaded.error());
  return &*loaded;
}

const CurlApi& curl() {
  const auto loaded = load_curl();
  if (!loaded) {
    std::fprintf(stderr, "scadenzario: %s\n", loaded.error().c_str());
    std::abort();
  }
  return **loaded;
}

CurlEasy make_curl_easy() { return CurlEasy(curl().easy_init()); }

bool append(CurlList& list, const std::string& item) {
  curl_slist* longer = curl().slist_append(list.get(), item.c_str());
  if (!longer) return false;
  (void)list.release();  // now owned by `longer`, its new head
  list.reset(longer);
  return true;
}

void CurlCancel::attach(CURL* easy) {
  curl().easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &CurlCancel::open_socket);
  curl().easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
  curl().easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &CurlCancel::close_socket);
  curl().easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  curl().easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &CurlCancel::progress);
  curl().easy_setopt(easy, CURLOPT_XFERINFODATA, this);
  curl().easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
}

void CurlCancel::cancel() {
  const std::scoped_lock lock(m_mutex);
  m_cancelled = true;
  // shutdown(), not close(): the descriptor stays libcurl's until it closes it, so its
  // number cannot be reused under libcurl meanwhile.
  for (const curl_socket_t socket : m_sockets) ::shutdown(socket, SHUT_RDWR);
}

curl_socket_t CurlCancel::open_socket(void* self, curlsocktype, curl_sockaddr* address) {
  auto& cancel = *static_cast<CurlCancel*>(self);
  const std::scoped_lock lock(cancel.m_mutex);
  if (cancel.m_cancelled) return CURL_SOCKET_BAD;
  const curl_socket_t socket = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (socket != CURL_SOCKET_BAD) cancel.m_sockets.push_back(socket);
  return socket;
}

int CurlCancel::close_socket(void* self, curl_socket_t socket) {
  auto& cancel = *static_cast<CurlCancel*>(self);
  const std::scoped_lock lock(cancel.m_mutex);
  std::erase(cancel.m_sockets, socket);
  return ::close(socket);
}

int CurlCancel::progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<CurlCancel*>(self)->is_cancelled() ? 1 : 0;
}

Verdict smtp_verdict(CURLcode code, long reply, std::string_view command) {
  using Scope = DeliveryResult::Scope;
  if (code == CURLE_OK) return {Outcome::delivered, Scope::message};
  if (code == CURLE_LOGIN_DENIED || code == CURLE_USE_SSL_FAILED) return {Outcome::permanent, Scope::configuration};
  const bool before_message = command.empty() || command == "EHLO" || command == "HELO" || command == "MAIL";
  if (reply >= 500 && reply <= 599) {
    return {Outcome::permanent, before_message ? Scope::configuration : Scope::message};
  }
  if (reply >= 400 && reply <= 499) {
    return {Outcome::transient, reply == 421 || command.empty() ? Scope::connection : Scope::message};
  }
  return {Outcome::transient, Scope::connection};
}

Verdict http_verdict(CURLcode code, long status) {
  using Scope = DeliveryResult::Scope;
  if (code != CURLE_OK || status == 0) return {Outcome::transient, Scope::connection};
  if (status >= 200 && status <= 299) return {Outcome::delivered, Scope::message};
  if (status == 401 || status == 403) return {Outcome::permanent, Scope::configuration};
  if (status == 408 || status == 429 || status >= 500) return {Outcome::transient, Scope::message};
  return {Outcome::permanent, Scope::message};
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
