#include "core/delivery_reader.hpp"

#include "core/rule_parser.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <map>

namespace scadenzario {

namespace {

constexpr std::array<std::string_view, 10> k_smtp_keys = {
    "url",     "security", "username",        "password_file",           "password_credential",
    "ca_file", "from",     "timeout_seconds", "connect_timeout_seconds", "connections"};
constexpr std::array<std::string_view, 7> k_webhook_keys = {
    "name", "url", "preset", "secret_file", "secret_credential", "headers", "timeout_seconds"};

struct SecurityName {
  std::string_view name;
  SmtpSecurity security;
};
constexpr std::array<SecurityName, 4> k_securities = {{{"starttls", SmtpSecurity::starttls},
                                                       {"starttls-optional", SmtpSecurity::starttls_optional},
                                                       {"tls", SmtpSecurity::tls},
                                                       {"none", SmtpSecurity::none}}};

struct PresetName {
  std::string_view name;
  WebhookPreset preset;
};
constexpr std::array<PresetName, 3> k_presets = {{{"standard", WebhookPreset::standard},
                                                  {"teams", WebhookPreset::teams},
                                                  {"slack", WebhookPreset::slack}}};

// Headers the webhook channel sets itself; a configured one would contradict it.
constexpr std::array<std::string_view, 9> k_reserved_headers = {
    "content-type", "content-length", "host", "transfer-encoding", "connection",
    "expect", "webhook-id", "webhook-timestamp", "webhook-signature"};

constexpr std::int64_t k_max_timeout_seconds = 600;

// The parts of a URL scadenzario checks: scheme, user info, host.
struct UrlParts {
  std::string_view scheme;
  std::string_view authority;  // user info, host and port
  std::string_view host;
};

std::optional<UrlParts> split_url(std::string_view url) {
  const bool printable = std::ranges::all_of(url, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte > 0x20u && byte < 0x7Fu;
  });
  const std::size_t separator = url.find("://");
  if (!printable || separator == std::string_view::npos || separator == 0) return std::nullopt;
  UrlParts parts{.scheme = url.substr(0, separator)};
  const std::string_view rest = url.substr(separator + 3);
  parts.authority = rest.substr(0, rest.find_first_of("/?#"));
  std::string_view host = parts.authority.substr(parts.authority.rfind('@') + 1);
  if (host.starts_with('[')) {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  parts.host = host;
  if (host.empty()) return std::nullopt;
  return parts;
}

bool has_user_info(const UrlParts& parts) {
  return parts.authority.find('@') != std::string_view::npos;
}

// A loopback address, decided by parsing it (a name such as "127.attacker.example" is
// not one): 127.0.0.0/8, [::1], or "localhost", which libcurl resolves to loopback
// itself, without asking DNS.
bool is_local_host(std::string_view host) {
  if (host == "localhost") return true;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    const std::string literal(host.substr(1, host.size() - 2));
    in6_addr address{};
    return ::inet_pton(AF_INET6, literal.c_str(), &address) == 1 && IN6_IS_ADDR_LOOPBACK(&address);
  }
  const std::string literal(host);
  in_addr address{};
  return ::inet_pton(AF_INET, literal.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

// A systemd credential name is a file name under $CREDENTIALS_DIRECTORY.
bool is_credential_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos;
}

// Reads `<prefix>_file` and `<prefix>_credential`: at most one of them.
SecretSource read_secret(TableReader& reader, std::string_view prefix) {
  const std::string file_key = std::string(prefix) + "_file";
  const std::string credential_key = std::string(prefix) + "_credential";
  SecretSource secret{.file = reader.path(file_key, Need::optional).value_or(""),
                      .credential = reader.string(credential_key, Need::optional).value_or(""),
                      .where = reader.location_of(reader.has(file_key) ? file_key : credential_key)};
  if (!secret.file.empty() && !secret.credential.empty()) {
    reader.context().error(reader.location_of(credential_key),
                           "give \"" + file_key + "\" or \"" + credential_key + "\", not both");
    return SecretSource{};
  }
  if (reader.has(credential_key) && !is_credential_name(secret.credential)) {
    reader.context().error(reader.location_of(credential_key),
                           "invalid credential name \"" + secret.credential +
                               "\": expected a file name, as in LoadCredential=NAME:PATH");
    return SecretSource{};
  }
  return secret;
}

std::optional<std::chrono::seconds> read_seconds(TableReader& reader, std::string_view key) {
  const auto value = reader.integer(key, Need::optional, 1, k_max_timeout_seconds);
  if (!value) return std::nullopt;
  return std::chrono::seconds{*value};
}

std::optional<SmtpSecurity> read_security(TableReader& reader, std::string_view scheme) {
  const auto text = reader.string("security", Need::optional);
  if (!text) {
    if (reader.has("security")) return std::nullopt;
    return scheme == "smtps" ? SmtpSecurity::tls : SmtpSecurity::starttls;
  }
  for (const auto& [name, security] : k_securities) {
    if (*text == name) return security;
  }
  std::array<std::string_view, k_securities.size()> names{};
  std::ranges::transform(k_securities, names.begin(), &SecurityName::name);
  reader.context().error(reader.location_of("security"),
                         "invalid security \"" + *text +
                             "\": expected \"starttls\", \"starttls-optional\", \"tls\" or \"none\"" +
                             did_you_mean(*text, names));
  return std::nullopt;
}

// The url's scheme and the security must agree: smtps:// is TLS from the first byte.
bool check_security_scheme(TableReader& reader, SmtpSecurity security, std::string_view scheme) {
  const bool implicit_tls = security == SmtpSecurity::tls;
  if (implicit_tls == (scheme == "smtps")) return true;
  reader.context().error(
      reader.location_of(reader.has("security") ? "security" : "url"),
      implicit_tls ? "security \"tls\" needs an smtps:// url"
                   : "security \"" + std::string(to_string(security)) +
                         "\" needs an smtp:// url (smtps:// is TLS from the start: security = \"tls\")");
  return false;
}

bool check_authentication(TableReader& reader, const SmtpSettings& smtp) {
  if (smtp.username.empty()) {
    if (!smtp.password.is_set()) return true;
    reader.context().error(smtp.password.where,
                           "\"password_file\" or \"password_credential\" without \"username\"");
    return false;
  }
  if (!smtp.password.is_set()) {
    reader.context().error(reader.location_of("username"),
                           "\"username\" needs \"password_file\" or \"password_credential\"");
    return false;
  }
  if (smtp.security == SmtpSecurity::starttls || smtp.security == SmtpSecurity::tls) return true;
  reader.context().error(reader.location_of("username"),
                         "a password is sent only over TLS: with \"username\", security must be "
                         "\"starttls\" or \"tls\"");
  return false;
}

std::optional<UrlParts> read_smtp_url(TableReader& reader, const std::string& url) {
  const auto parts = split_url(url);
  if (!parts || (parts->scheme != "smtp" && parts->scheme != "smtps")) {
    reader.context().error(reader.location_of("url"),
                           "invalid url \"" + url +
                               "\": expected smtp://host[:port] or smtps://host[:port]");
    return std::nullopt;
  }
  if (has_user_info(*parts)) {
    reader.context().error(reader.location_of("url"),
                           "the url must not hold a user name or password; use \"username\" and "
                           "\"password_file\" or \"password_credential\"");
    return std::nullopt;
  }
  return parts;
}


bool is_webhook_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// RFC 9110 §5.6.2: a field name is a token.
bool is_header_name(std::string_view name) {
  static constexpr std::string_view k_tchar_specials = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           k_tchar_specials.find(c) != std::string_view::npos;
  });
}


std::string lower_case(std::string_view text) {
  std::string lower(text);
  std::ranges::transform(lower, lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return lower;
}

std::vector<HttpHeader> read_headers(const toml::table& table, ParseContext& context) {
  std::vector<std::string_view> names;
  for (const auto& [key, value] : table) names.push_back(key.str());
  TableReader reader(table, "headers", names, context);  // every key is known: names are free
  std::vector<HttpHeader> headers;
  std::map<std::string, std::string_view> seen;  // HTTP field names ignore case
  for (const std::string_view name : names) {
    if (const auto [it, added] = seen.emplace(lower_case(name), name); !added) {
      context.error(reader.location_of(name), "header \"" + std::string(name) +
                                                  "\" repeats \"" + std::string(it->second) +
                                                  "\" (field names ignore case)");
    } else if (!is_header_name(name)) {
      context.error(reader.location_of(name),
                    "invalid header name \"" + std::string(name) +
                        "\": expected letters, digits and !#$%&'*+-.^_`|~");
    } else if (std::ranges::find(k_reserved_headers, lower_case(name)) != k_reserved_headers.end()) {
      context.error(reader.location_of(name),
                    "header \"" + std::string(name) + "\" is set by scadenzario and cannot be configured");
    } else if (auto value = reader.string(name, Need::optional)) {
      headers.push_back(HttpHeader{std::string(name), std::move(*value)});
    }
  }
  return headers;
}

bool check_webhook_url(TableReader& reader, const std::string& url) {
  const auto parts = split_url(url);
  if (!parts || (parts->scheme != "https" && parts->scheme != "http")) {
    reader.context().error(reader.location_of("url"),
                           "invalid url \"" + url + "\": expected https://host/path");
    return false;
  }
  if (has_user_info(*parts)) {
    reader.context().error(reader.location_of("url"),
                           "the url must not hold a user name or password");
    return false;
  }
  if (parts->scheme == "http" && !is_local_host(parts->host)) {
    reader.context().error(reader.location_of("url"),
                           "plain http:// is allowed only to this host (localhost, 127.0.0.1, "
                           "[::1]); use https://");
    return false;
  }
  return true;
}

std::optional<WebhookPreset> read_preset(TableReader& reader) {
  const auto text = reader.string("preset", Need::optional);
  if (!text) return reader.has("preset") ? std::nullopt : std::optional{WebhookPreset::standard};
  for (const auto& [name, preset] : k_presets) {
    if (*text == name) return preset;
  }
  std::array<std::string_view, k_presets.size()> names{};
  std::ranges::transform(k_presets, names.begin(), &PresetName::name);
  reader.context().error(reader.location_of("preset"),
                         "invalid preset \"" + *text +
                             "\": expected \"standard\", \"teams\" or \"slack\"" +
                             did_you_mean(*text, names));
  return std::nullopt;
}

std::optional<WebhookSettings> read_webhook(const toml::table& table, ParseContext& context) {
  const std::size_t errors_before = context.error_count();
  TableReader reader(table, "[[webhook]]", k_webhook_keys, context);
  WebhookSettings webhook{.where = reader.location()};
  const auto name = reader.string("name", Need::required);
  if (name && !is_webhook_name(*name)) {
    context.error(reader.location_of("name"),
                  "invalid name \"" + *name + "\": expected lower-case letters, digits, '_' and '-'");
  }
  const auto url = reader.string("url", Need::required);
  if (url) check_webhook_url(reader, *url);
  const auto preset = read_preset(reader);
  webhook.secret = read_secret(reader, "secret");
  if (const toml::table* headers = reader.table("headers")) {
    webhook.headers = read_headers(*headers, context);
  }
  webhook.timeout = read_seconds(reader, "timeout_seconds").value_or(webhook.timeout);
  if (!name || !url || !preset || context.error_count() != errors_before) return std::nullopt;
  if (*preset == WebhookPreset::standard && !webhook.secret.is_set()) {
    context.error(reader.location(), "webhook \"" + *name +
                                         "\" has the standard preset, which signs every request: "
                                         "give \"secret_file\" or \"secret_credential\"");
    return std::nullopt;
  }
  webhook.name = *name;
  webhook.url = *url;
  webhook.preset = *preset;
  return webhook;
}

}  // namespace

std::string_view to_string(SmtpSecurity security) {
  for (const auto& [name, value] : k_securities) {
    if (value == security) return name;
  }
  return "";
}

std::string_view to_string(WebhookPreset preset) {
  for (const auto& [name, value] : k_presets) {
    if (value == preset) return name;
  }
  return "";
}

std::optional<SmtpSettings> read_smtp(const toml::table& table, ParseContext& context) {
  const std::size_t errors_before = context.error_count();  // one error per mistake: no
  TableReader reader(table, "[smtp]", k_smtp_keys, context);  // checks on a broken table
  SmtpSettings smtp{.where = reader.location()};
  const auto url = reader.string("url", Need::required);
  const auto parts = url ? read_smtp_url(reader, *url) : std::nullopt;
  const auto security = parts ? read_security(reader, parts->scheme) : std::nullopt;
  smtp.username = reader.string("username", Need::optional).value_or("");
  smtp.password = read_secret(reader, "password");
  smtp.ca_file = reader.path("ca_file", Need::optional).value_or("");
  smtp.envelope_from = reader.string("from", Need::optional).value_or("");
  if (!smtp.envelope_from.empty() && !is_plausible_address(smtp.envelope_from)) {
    context.error(reader.location_of("from"),
                  "invalid e-mail address \"" + smtp.envelope_from + "\": expected name@domain");
  }
  smtp.connect_timeout = read_seconds(reader, "connect_timeout_seconds").value_or(smtp.connect_timeout);
  smtp.timeout = read_seconds(reader, "timeout_seconds").value_or(smtp.timeout);
  smtp.connections = static_cast<int>(
      reader.integer("connections", Need::optional, 1, k_max_smtp_connections).value_or(smtp.connections));
  if (!url || !parts || !security || context.error_count() != errors_before) return std::nullopt;
  smtp.url = *url;
  smtp.security = *security;
  if (!check_security_scheme(reader, smtp.security, parts->scheme)) return std::nullopt;
  if (!check_authentication(reader, smtp)) return std::nullopt;
  return smtp;
}

std::vector<WebhookSettings> read_webhooks(TableReader& config_reader, ParseContext& context) {
  std::vector<WebhookSettings> webhooks;
  std::map<std::string, SourceLocation> seen;
  for (const toml::table* table : config_reader.tables("webhook", Need::optional)) {
    auto webhook = read_webhook(*table, context);
    if (!webhook) continue;
    const auto [it, added] = seen.emplace(webhook->name, webhook->where);
    if (!added) {
      context.error(webhook->where, "duplicate webhook name \"" + webhook->name +
                                        "\" (first defined at " + it->second.to_string() + ")");
      continue;
    }
    webhooks.push_back(std::move(*webhook));
  }
  return webhooks;
}

}  // namespace scadenzario
