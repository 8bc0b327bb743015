// The e-mail channel over SMTP (libcurl): each message, rendered as in mime_message.hpp,
// goes to every To and Cc address in one transaction; an address the server refuses is
// reported in DeliveryResult::refused and the others still receive it. One channel is
// one connection: it keeps one libcurl handle, so its deliveries share one TLS
// handshake and one AUTH, until end_batch() closes it with QUIT. Every reply is awaited
// at most `timeout` (libcurl's own default is 120 s), and cancel() ends any wait.
//
// Security: STARTTLS required or opportunistic, or TLS from the first byte (smtps://);
// the server's certificate is always verified (system store or `ca_file`); the password
// is given to libcurl only, never logged. Outcomes: see smtp_verdict() in curl_easy.hpp;
// `detail` ends with the server's last reply ("550 5.1.1 <x@example.it>: unknown user").
#pragma once

#include "core/delivery_settings.hpp"
#include "core/message.hpp"
#include "notifiers/channel.hpp"
#include "notifiers/secret.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace scadenzario::notifiers {

struct SmtpChannelOptions {
  std::string url;  // smtp[s]://host[:port]/ehlo-name
  SmtpSecurity security = SmtpSecurity::starttls;
  std::string username;  // empty: no AUTH
  Secret password;
  std::string ca_file;  // empty: the system's CA store
  Address from;               // the From header
  std::string envelope_from;  // MAIL FROM
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{60'000};  // per message, connection included; per reply
};

std::unique_ptr<Channel> make_smtp_channel(SmtpChannelOptions options);

// Returns `url` with an EHLO name: unchanged when it has a path, else with "/host_name".
std::string smtp_url_with_ehlo(std::string_view url, std::string_view host_name);

}  // namespace scadenzario::notifiers
