#include "notifiers/webhook_channel.hpp"

#include "notifiers/curl_easy.hpp"
#include "notifiers/webhook_body.hpp"
#include "notifiers/webhook_signature.hpp"

#include <curl/header.h>

#include <algorithm>
#include <charconv>

namespace scadenzario::notifiers {

namespace {

using Outcome = DeliveryResult::Outcome;

constexpr std::size_t k_max_response = 512;  // of the response body, for the log

std::size_t keep_response(char* data, std::size_t size, std::size_t count, void* user) {
  auto& response = *static_cast<std::string*>(user);
  const std::size_t bytes = size * count;
  response.append(data, std::min(bytes, k_max_response - std::min(k_max_response, response.size())));
  return bytes;
}

// The id goes into a header: letters, digits, '-', '_', '.' only (no header injection).
bool is_safe_id(std::string_view id) {
  return !id.empty() && std::ranges::all_of(id, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// Returns the response body as one line for the log.
std::string one_line(std::string text) {
  std::ranges::replace_if(text, [](char c) { return c == '\r' || c == '\n' || c == '\t'; }, ' ');
  return text;
}

class WebhookChannel final : public Channel {
public:
  explicit WebhookChannel(WebhookChannelOptions options)
      : m_options(std::move(options)), m_peer(redacted_url(m_options.url)) {}

  std::string_view name() const override { return "webhook"; }

  DeliveryResult deliver(const Message& message, std::time_t now) override {
    if (m_cancel.is_cancelled()) return cancelled();
    if (!is_safe_id(message.id)) {
      return {Outcome::permanent, "message id \"" + message.id + "\" is not letters, digits, '-', '_', '.'"};
    }
    if (!m_easy && !open()) return {Outcome::transient, "libcurl: cannot create a handle"};
    const std::string body = webhook_body(message, m_options.preset, now);
    CurlList headers;
    if (!add_headers(headers, message.id, now, body)) return {Outcome::transient, "out of memory"};
    curl().easy_setopt(m_easy.get(), CURLOPT_HTTPHEADER, headers.get());
    curl().easy_setopt(m_easy.get(), CURLOPT_POSTFIELDS, body.c_str());
    curl().easy_setopt(m_easy.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    m_response.clear();
    m_error[0] = '\0';
    const CURLcode code = curl().easy_perform(m_easy.get());
    curl().easy_setopt(m_easy.get(), CURLOPT_HTTPHEADER, nullptr);  // `headers` goes now
    long status = 0;
    curl().easy_getinfo(m_easy.get(), CURLINFO_RESPONSE_CODE, &status);
    return result(code, status, now);
  }

  void end_batch() override { m_easy.reset(); }

  void cancel() override { m_cancel.cancel(); }

private:
  bool open() {
    m_easy = make_curl_easy();
    if (!m_easy) return false;
    CURL* easy = m_easy.get();
    curl().easy_setopt(easy, CURLOPT_URL, m_options.url.c_str());
    curl().easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl().easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is a configuration error
    if (!m_options.ca_file.empty()) curl().easy_setopt(easy, CURLOPT_CAINFO, m_options.ca_file.c_str());
    curl().easy_setopt(easy, CURLOPT_USERAGENT, "scadenzario");
    curl().easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_options.connect_timeout.count()));
    curl().easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.timeout.count()));
    curl().easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl().easy_setopt(easy, CURLOPT_ERRORBUFFER, m_error);
    curl().easy_setopt(easy, CURLOPT_WRITEFUNCTION, keep_response);
    curl().easy_setopt(easy, CURLOPT_WRITEDATA, &m_response);
    m_cancel.attach(easy);
    return true;
  }

  bool add_headers(CurlList& headers, const std::string& id, std::time_t now, const std::string& body) {
    bool ok = append(headers, "Content-Type: application/json") && append(headers, "Expect:") &&
              append(headers, "webhook-id: " + id) &&
              append(headers, "webhook-timestamp: " + std::to_string(now));
    if (!m_options.key.empty()) {
      ok = ok && append(headers, "webhook-signature: " + sign_webhook(m_options.key.reveal(), id, now, body));
    }
    for (const HttpHeader& header : m_options.headers) {
      ok = ok && append(headers, header.name + ": " + header.value);
    }
    return ok;
  }

  std::optional<std::chrono::seconds> retry_after(std::time_t now) const {
    curl_header* header = nullptr;
    if (curl().easy_header(m_easy.get(), "Retry-After", 0, CURLH_HEADER, -1, &header) != CURLHE_OK) {
      return std::nullopt;
    }
    return parse_retry_after(header->value, now);
  }

  DeliveryResult cancelled() const {
    return {Outcome::cancelled, m_options.name + " (" + m_peer + "): cancelled (the service is stopping)"};
  }

  DeliveryResult result(CURLcode code, long status, std::time_t now) {
    const Verdict verdict = http_verdict(code, status);
    const std::string where = m_options.name + " (" + m_peer + ")";
    if (code != CURLE_OK) {
      m_easy.reset();  // the connection's state is unknown: start afresh
      if (m_cancel.is_cancelled()) return cancelled();
      return {.outcome = verdict.outcome,
              .detail = where + ": " + (m_error[0] != '\0' ? m_error : curl().easy_strerror(code)),
              .scope = verdict.scope};
    }
    const Outcome outcome = verdict.outcome;
    DeliveryResult result{.outcome = outcome, .detail = where + ": HTTP " + std::to_string(status),
                          .scope = verdict.scope};
    if (!m_response.empty()) result.detail += ": " + one_line(m_response);
    if (outcome == Outcome::transient) result.retry_after = retry_after(now);
    return result;
  }

  WebhookChannelOptions m_options;
  std::string m_peer;
  std::string m_response;
  char m_error[CURL_ERROR_SIZE] = {};
  CurlCancel m_cancel;
  CurlEasy m_easy;  // last: goes first, while what it points to lives
};

}  // namespace

std::unique_ptr<Channel> make_webhook_channel(WebhookChannelOptions options) {
  return std::make_unique<WebhookChannel>(std::move(options));
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now) {
  while (value.starts_with(' ')) value.remove_prefix(1);
  while (value.ends_with(' ')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::ranges::all_of(value, [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t seconds = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error != std::errc{} || end != value.data() + value.size()) return std::nullopt;
    return std::chrono::seconds{seconds};
  }
  const std::string text(value);
  const std::time_t date = curl().get_date(text.c_str(), nullptr);
  if (date == -1) return std::nullopt;
  return std::chrono::seconds{std::max<std::time_t>(0, date - now)};
}

}  // namespace scadenzario::notifiers
