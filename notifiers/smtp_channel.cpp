#include "notifiers/smtp_channel.hpp"

#include "notifiers/curl_easy.hpp"
#include "notifiers/mime_message.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace scadenzario::notifiers {

namespace {

using Outcome = DeliveryResult::Outcome;

constexpr std::size_t k_max_reply = 512;  // of the server's last reply, for the log

// libcurl pulls the message through this callback.
std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& rest = *static_cast<std::string_view*>(user);
  const std::size_t taken = std::min(rest.size(), size * count);
  std::memcpy(buffer, rest.data(), taken);
  rest.remove_prefix(taken);
  return taken;
}

// What the exchange said, from libcurl's protocol trace: the server's last reply, the
// last refusal (4xx, 5xx; libcurl follows it with QUIT and "221 Bye") and the command it
// answered, and the recipients refused one by one.
struct Exchange {
  std::string last;
  std::string refusal;
  std::string refused_command;  // the verb of the command the refusal answered
  std::string command;          // the verb of the last command sent
  std::string recipient;        // the address of the last RCPT TO sent
  std::vector<RefusedRecipient> refused;
};

std::string verb_of(std::string_view line) {
  std::string verb(line.substr(0, line.find_first_of(" :\r\n")));
  for (char& c : verb) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return verb;
}

// Only the commands' verbs and the RCPT TO addresses are kept of what scadenzario sends
// (HEADER_OUT): never the rest of a line, which for AUTH carries the password.
void keep_command(Exchange& exchange, std::string_view line) {
  exchange.command = verb_of(line);
  if (exchange.command != "RCPT") return;
  const std::size_t open = line.find('<');
  const std::size_t close = line.find('>', open);
  exchange.recipient = open == std::string_view::npos || close == std::string_view::npos
                           ? std::string()
                           : std::string(line.substr(open + 1, close - open - 1));
}

void keep_reply(Exchange& exchange, std::string_view line) {
  exchange.last.assign(line.substr(0, k_max_reply));
  const bool final_line = line.size() < 4 || line[3] != '-';  // "250-..." continues
  if (!final_line || !(line.starts_with('4') || line.starts_with('5'))) return;
  exchange.refusal = exchange.last;
  exchange.refused_command = exchange.command;
  if (exchange.command == "RCPT") exchange.refused.push_back({exchange.recipient, exchange.last});
}

int trace(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT) return 0;
  std::string_view line(data, size);
  while (line.ends_with('\n') || line.ends_with('\r')) line.remove_suffix(1);
  auto& exchange = *static_cast<Exchange*>(user);
  if (type == CURLINFO_HEADER_OUT) keep_command(exchange, line);
  else keep_reply(exchange, line);
  return 0;
}

curl_usessl use_ssl(SmtpSecurity security) {
  switch (security) {
    case SmtpSecurity::starttls:
    case SmtpSecurity::tls: return CURLUSESSL_ALL;
    case SmtpSecurity::starttls_optional: return CURLUSESSL_TRY;
    case SmtpSecurity::none: return CURLUSESSL_NONE;
  }
  return CURLUSESSL_ALL;
}

class SmtpChannel final : public Channel {
public:
  explicit SmtpChannel(SmtpChannelOptions options)
      : m_options(std::move(options)), m_peer(redacted_url(m_options.url)) {}

  std::string_view name() const override { return "smtp"; }

  DeliveryResult deliver(const Message& message, std::time_t now) override {
    if (m_cancel.is_cancelled()) return cancelled();
    const auto rendered = render_mime_message(message, m_options.from, now);
    if (!rendered) {
      return {Outcome::permanent, "cannot render message " + message.id + ": " + rendered.error()};
    }
    if (!m_easy && !open()) return {Outcome::transient, "libcurl: cannot create a handle"};
    CurlList recipients;
    for (const auto* list : {&message.to, &message.cc}) {
      for (const Address& address : *list) {
        if (!append(recipients, "<" + address.email + ">")) return {Outcome::transient, "out of memory"};
      }
    }
    std::string_view rest = *rendered;
    curl().easy_setopt(m_easy.get(), CURLOPT_MAIL_RCPT, recipients.get());
    curl().easy_setopt(m_easy.get(), CURLOPT_READDATA, &rest);
    m_exchange = {};
    m_error[0] = '\0';
    const CURLcode code = curl().easy_perform(m_easy.get());
    curl().easy_setopt(m_easy.get(), CURLOPT_MAIL_RCPT, nullptr);  // `recipients` goes now
    long reply = 0;
    curl().easy_getinfo(m_easy.get(), CURLINFO_RESPONSE_CODE, &reply);
    return result(code, reply, message);
  }

  void end_batch() override { m_easy.reset(); }  // QUIT, then close

  void cancel() override { m_cancel.cancel(); }

private:
  bool open() {
    m_easy = make_curl_easy();
    if (!m_easy) return false;
    CURL* easy = m_easy.get();
    curl().easy_setopt(easy, CURLOPT_URL, m_options.url.c_str());
    curl().easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl().easy_setopt(easy, CURLOPT_USE_SSL, static_cast<long>(use_ssl(m_options.security)));
    if (!m_options.ca_file.empty()) curl().easy_setopt(easy, CURLOPT_CAINFO, m_options.ca_file.c_str());
    if (!m_options.username.empty()) {
      curl().easy_setopt(easy, CURLOPT_USERNAME, m_options.username.c_str());
      curl().easy_setopt(easy, CURLOPT_PASSWORD, m_options.password.reveal().c_str());
    }
    m_mail_from = "<" + m_options.envelope_from + ">";
    curl().easy_setopt(easy, CURLOPT_MAIL_FROM, m_mail_from.c_str());
    // A refused address is dead alone: the others still receive the message.
    curl().easy_setopt(easy, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
    curl().easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl().easy_setopt(easy, CURLOPT_READFUNCTION, read_message);
    curl().easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_options.connect_timeout.count()));
    curl().easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.timeout.count()));
    // Each reply, QUIT's included, within the timeout: libcurl's own default is 120 s.
    curl().easy_setopt(easy, CURLOPT_SERVER_RESPONSE_TIMEOUT,
                       static_cast<long>(std::max<std::int64_t>(1, m_options.timeout.count() / 1000)));
    curl().easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM in a threaded daemon
    curl().easy_setopt(easy, CURLOPT_ERRORBUFFER, m_error);
    curl().easy_setopt(easy, CURLOPT_DEBUGFUNCTION, trace);
    curl().easy_setopt(easy, CURLOPT_DEBUGDATA, &m_exchange);
    curl().easy_setopt(easy, CURLOPT_VERBOSE, 1L);  // feeds trace(); prints nothing
    m_cancel.attach(easy);
    return true;
  }

  DeliveryResult cancelled() const { return {Outcome::cancelled, m_peer + ": cancelled (the service is stopping)"}; }

  DeliveryResult result(CURLcode code, long reply, const Message& message) {
    if (code != CURLE_OK && m_cancel.is_cancelled()) {
      m_easy.reset();
      return cancelled();
    }
    const Verdict verdict = smtp_verdict(code, reply, m_exchange.refused_command);
    if (verdict.outcome == Outcome::delivered) {
      const std::size_t count = message.to.size() + message.cc.size();
      const std::size_t accepted = count - std::min(count, m_exchange.refused.size());
      DeliveryResult delivered{verdict.outcome, "accepted by " + m_peer + " for " + std::to_string(accepted)};
      if (accepted != count) delivered.detail += " of " + std::to_string(count);
      delivered.detail += (count == 1 ? " recipient: " : " recipients: ") + m_exchange.last;
      for (const RefusedRecipient& refused : m_exchange.refused) {
        delivered.detail += "; refused " + refused.email + ": " + refused.reply;
      }
      delivered.refused = std::move(m_exchange.refused);
      return delivered;
    }
    std::string detail = m_peer + ": " + (m_error[0] != '\0' ? m_error : curl().easy_strerror(code));
    const std::string& said = m_exchange.refusal.empty() ? m_exchange.last : m_exchange.refusal;
    if (!said.empty()) detail += "; server said: " + said;
    // After a failure the connection's state is unknown: start the next one afresh.
    m_easy.reset();
    return {.outcome = verdict.outcome, .detail = std::move(detail), .scope = verdict.scope};
  }

  SmtpChannelOptions m_options;
  std::string m_peer;  // the url without what may be secret, for details
  std::string m_mail_from;
  Exchange m_exchange;
  char m_error[CURL_ERROR_SIZE] = {};
  CurlCancel m_cancel;
  CurlEasy m_easy;  // last: cleaned up (QUIT) while the strings it points to live
};

}  // namespace

std::unique_ptr<Channel> make_smtp_channel(SmtpChannelOptions options) {
  return std::make_unique<SmtpChannel>(std::move(options));
}

std::string smtp_url_with_ehlo(std::string_view url, std::string_view host_name) {
  const std::size_t separator = url.find("://");
  const std::size_t path = url.find('/', separator == std::string_view::npos ? 0 : separator + 3);
  if (path != std::string_view::npos && path + 1 < url.size()) return std::string(url);
  std::string with(url.substr(0, path));
  return with + "/" + std::string(host_name);
}

}  // namespace scadenzario::notifiers
