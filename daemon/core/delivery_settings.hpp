// The settings of the delivery channels beyond the Maildir: the SMTP server of the
// e-mail channel and the webhook receivers. Plain values parsed from the configuration;
// secrets (the SMTP password, the webhook signing keys) are never in it: only where to
// read them, which the channel factory does at start and on reload.
#pragma once

#include "core/diagnostic.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace scadenzario {

// Where a secret is read from: a file, or a systemd credential (LoadCredential= or
// SetCredentialEncrypted= in the unit), found under $CREDENTIALS_DIRECTORY.
struct SecretSource {
  std::string file;        // a path; relative paths: to the configuration file
  std::string credential;  // a credential name (a plain file name)
  SourceLocation where;

  bool is_set() const { return !file.empty() || !credential.empty(); }
};

// How the SMTP connection is protected.
// starttls: plain connection upgraded by STARTTLS, required (port 587 or 25).
// starttls_optional: upgraded when the server offers it, else plain (no AUTH allowed).
// tls: TLS from the first byte, smtps:// (port 465).
// none: never encrypted (a relay on the same host; no AUTH allowed).
enum class SmtpSecurity { starttls, starttls_optional, tls, none };

// At most this many SMTP connections at once: a body's relay is shared, and beyond a
// few connections a server throttles more than it gains.
inline constexpr int k_max_smtp_connections = 8;

std::string_view to_string(SmtpSecurity security);

struct SmtpSettings {
  std::string url;  // smtp://host[:port][/ehlo-name] or smtps://host[:port][/ehlo-name]
  SmtpSecurity security = SmtpSecurity::starttls;
  std::string username;  // empty: no AUTH
  SecretSource password;
  std::string ca_file;        // PEM bundle; empty: the system's CA store
  std::string envelope_from;  // MAIL FROM (bounces); empty: [delivery] from_address
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds timeout{60};  // a whole message, connection included; each reply
  int connections = 2;               // open at once, each kept across a batch
  SourceLocation where;
};

// The shape of a webhook's JSON body: scadenzario's own (Standard Webhooks), or what a
// Microsoft Teams (Workflows, Adaptive Card) or Slack incoming webhook expects.
enum class WebhookPreset { standard, teams, slack };

std::string_view to_string(WebhookPreset preset);

struct HttpHeader {
  std::string name;
  std::string value;

  friend bool operator==(const HttpHeader&, const HttpHeader&) = default;
};

struct WebhookSettings {
  std::string name;  // [a-z0-9_-], referenced by roles and [delivery] webhooks
  std::string url;   // https://..., or http:// to the local host only
  WebhookPreset preset = WebhookPreset::standard;
  SecretSource secret;  // the signing key; required by the standard preset
  std::vector<HttpHeader> headers;
  std::chrono::seconds timeout{15};  // a whole request, connection included
  SourceLocation where;
};

}  // namespace scadenzario
