#include "fuzz_properties.hpp"

#include "core/calendar.hpp"
#include "core/config_parser.hpp"
#include "core/due_spec.hpp"
#include "core/rule_parser.hpp"
#include "core/rule_validator.hpp"
#include "core/schedule.hpp"
#include "notifiers/base64.hpp"
#include "notifiers/rfc5322.hpp"

#include <algorithm>
#include <expected>
#include <stdexcept>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace scadenzario::fuzz {

namespace {

constexpr std::string_view k_file = "fuzz.toml";

std::string read_base(std::string_view name) {
  std::ifstream in(std::string(SCADENZARIO_SOURCE_DIR "/tests/data/base/") + std::string(name),
                   std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The configuration and roles of tests/data/base, parsed once: the fuzzed rule file
// is checked on top of them, as the malformed-file tests do.
const RuleSet& base_rules() {
  static const RuleSet rules = [] {
    Diagnostics errors;
    RuleSet base;
    base.config = parse_config(read_base("scadenzario.toml"), "scadenzario.toml", errors);
    merge(base, parse_rule_file(read_base("attori.toml"), "attori.toml", errors));
    if (!errors.empty()) throw std::runtime_error("tests/data/base is invalid");
    return base;
  }();
  return rules;
}

std::size_t line_count(std::string_view text) {
  return static_cast<std::size_t>(std::ranges::count(text, '\n')) + 1;
}

bool is_single_line(std::string_view text) {
  return std::ranges::none_of(text, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20u || byte == 0x7Fu;
  });
}

// Every diagnostic about the fuzzed text names it, at a line inside it, with a message.
std::optional<std::string> check_diagnostics(const Diagnostics& errors, std::string_view text,
                                             const std::set<std::string_view>& other_files) {
  for (const Diagnostic& error : errors) {
    if (error.message.empty()) return "empty diagnostic: " + error.where.to_string();
    if (error.where.file != k_file) {
      if (other_files.contains(error.where.file.str())) continue;
      return "diagnostic names an unknown file: " + error.to_string();
    }
    if (error.where.line > line_count(text)) {
      return "diagnostic past the end of the text: " + error.to_string();
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_accepted_rules(const RuleSet& rules) {
  for (const Actor& actor : rules.actors) {
    if (!is_single_line(actor.id) || !is_single_line(actor.title)) return "actor not single-line: " + actor.id;
  }
  for (const Person& person : rules.people) {
    if (!is_single_line(person.name) || !is_plausible_address(person.email)) {
      return "person unfit for a header: " + person.id;
    }
  }
  for (const Act& act : rules.acts) {
    if (act.id.empty() || !is_single_line(act.id) || !is_single_line(act.title) ||
        !is_single_line(act.legal_basis)) {
      return "act unfit for a header: " + act.id;
    }
    for (const Step& step : act.steps) {
      if (step.id.empty() || !is_single_line(step.id)) return "step without a single-line id in " + act.id;
    }
  }
  return std::nullopt;
}

// The years an accepted rule set is planned for: one ordinary year and the edges of
// every act's validity.
std::vector<int> years_of(const RuleSet& rules) {
  std::set<int> years = {2027};
  for (const Act& act : rules.acts) {
    if (act.valid_from) years.insert(static_cast<int>(*act.valid_from));
    if (act.valid_until) years.insert(static_cast<int>(*act.valid_until));
  }
  return {years.begin(), years.end()};
}

std::optional<std::string> check_plan(const RuleSet& rules) {
  const Calendar calendar(rules.config.calendar);
  for (const int year : years_of(rules)) {
    for (const Occurrence& occurrence : expand_year(rules, calendar, year)) {
      if (year_of(occurrence.legal_due) != year) {
        return "occurrence " + occurrence.key() + " of " + std::to_string(year) +
               " is due in another year";
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_rule_file(std::string_view text) {
  Diagnostics errors;
  RuleSet rules = base_rules();
  merge(rules, parse_rule_file(text, k_file, errors));
  if (errors.empty()) validate_rule_set(rules, errors);
  if (auto broken = check_diagnostics(errors, text, {"scadenzario.toml", "attori.toml"})) return broken;
  if (!errors.empty()) return std::nullopt;
  if (auto broken = check_accepted_rules(rules)) return broken;
  return check_plan(rules);
}

std::optional<std::string> check_config(std::string_view text) {
  Diagnostics errors;
  const Config config = parse_config(text, k_file, errors);
  if (auto broken = check_diagnostics(errors, text, {})) return broken;
  if (!errors.empty()) return std::nullopt;
  const Delivery& delivery = config.delivery;
  if (config.name.empty() || !is_single_line(config.name)) return "accepted without a single-line name";
  if (!is_single_line(delivery.from_name) || !is_single_line(delivery.from_address) ||
      delivery.from_address.find('@') == std::string::npos) {
    return "accepted a From unfit for a header";
  }
  for (const WebhookSettings& webhook : delivery.webhook_targets) {
    for (const HttpHeader& header : webhook.headers) {
      if (!is_single_line(header.value)) return "accepted a webhook header with a line break";
    }
  }
  const Calendar calendar(config.calendar);  // patron days must build a calendar
  (void)calendar.holiday_name(make_date(2027, 12, 31));
  return std::nullopt;
}

namespace {

constexpr int k_max_mandate_days = 5 * 366;

std::optional<std::string> check_offset(std::string_view text) {
  const auto offset = parse_offset(text);
  if (!offset) {
    if (offset.error().empty()) return std::string("empty error for an offset");
    return std::nullopt;
  }
  const int limit = offset->unit == Offset::Unit::business_days ? 260 : 366;
  if (offset->amount < -limit || offset->amount > limit) return "offset out of range: " + std::string(text);
  const std::string written = to_string(*offset);
  const auto again = parse_offset(written);
  if (!again || *again != *offset) return "offset \"" + std::string(text) + "\" re-formats as \"" + written + "\"";
  if (to_string(*again) != written) return "offset format not stable: " + written;
  return std::nullopt;
}

std::optional<std::string> check_due(Recurrence recurrence, std::string_view text) {
  const auto spec = parse_due_spec(recurrence, text);
  if (!spec) return spec.error().empty() ? std::optional<std::string>("empty error") : std::nullopt;
  switch (recurrence) {
    case Recurrence::year:
      if (spec->month < 1 || spec->month > 12 || spec->day > days_in_month(2000, spec->month) ||
          (spec->month == 2 && spec->day == 29)) {
        return "impossible yearly due accepted: " + std::string(text);
      }
      break;
    case Recurrence::month:
      if (spec->month != 0 || spec->day > 31) return "impossible monthly due accepted: " + std::string(text);
      break;
    case Recurrence::mandate:
      if (spec->mandate_days < -k_max_mandate_days || spec->mandate_days > k_max_mandate_days) {
        return "mandate offset out of range: " + std::string(text);
      }
      break;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_due_spec(std::string_view input) {
  if (input.empty()) return std::nullopt;
  const std::string_view text = input.substr(1);
  switch (static_cast<unsigned char>(input[0]) % 4) {
    case 0: return check_due(Recurrence::year, text);
    case 1: return check_due(Recurrence::month, text);
    case 2: return check_due(Recurrence::mandate, text);
    default: return check_offset(text);
  }
}

namespace {

constexpr std::size_t k_max_line = 998;  // RFC 5322 §2.1.1
constexpr std::size_t k_max_encoded_line = 76;  // RFC 2047 §2
constexpr std::string_view k_word_start = "=?UTF-8?B?";

bool is_encoded_word(std::string_view token) {
  return token.starts_with(k_word_start) && token.ends_with("?=") &&
         token.size() >= k_word_start.size() + 2;
}

// Checks the shape of a rendered field and returns it unfolded, without its CRLF.
// `encoded_width`: lines holding an encoded-word must keep within 76 characters (not
// asked of a quoted-string, where "=?" is plain text).
std::expected<std::string, std::string> unfold(std::string_view field, bool encoded_width = true) {
  if (!field.ends_with("\r\n")) return std::unexpected("field does not end in CRLF");
  field.remove_suffix(2);
  std::string unfolded;
  bool first = true;
  while (true) {
    const std::size_t end = std::min(field.find("\r\n"), field.size());
    const std::string_view line = field.substr(0, end);
    if (line.find_first_of("\r\n") != std::string_view::npos) return std::unexpected("bare CR or LF");
    if (!std::ranges::all_of(line, [](char c) { return static_cast<unsigned char>(c) < 0x80u; })) {
      return std::unexpected("non-ASCII byte in a header");
    }
    if (line.size() > k_max_line) return std::unexpected("line longer than 998 characters");
    if (encoded_width && line.find(k_word_start) != std::string_view::npos &&
        line.size() > k_max_encoded_line) {
      return std::unexpected("line with an encoded-word longer than 76 characters");
    }
    if (!first && !line.starts_with(' ')) return std::unexpected("folded line does not start with a space");
    if (!first && line.find_first_not_of(' ') == std::string_view::npos) {
      return std::unexpected("folded line of white space only");
    }
    unfolded += line;
    first = false;
    if (end == field.size()) break;
    field.remove_prefix(end + 2);
  }
  return unfolded;
}

// Decodes the words after the field name: encoded-words joined without the space
// between them (RFC 2047 §6.2), other words kept with theirs.
std::expected<std::string, std::string> decode_words(std::string_view words) {
  if (words.empty()) return std::string();
  if (!words.starts_with(' ')) return std::unexpected("no space after the field name");
  words.remove_prefix(1);
  std::string decoded;
  bool previous_encoded = false;
  bool first = true;
  while (true) {
    const std::size_t end = std::min(words.find(' '), words.size());
    const std::string_view token = words.substr(0, end);
    const bool encoded = is_encoded_word(token);
    if (!first && !(encoded && previous_encoded)) decoded += ' ';
    if (encoded) {
      const auto bytes = notifiers::base64_decode(
          token.substr(k_word_start.size(), token.size() - k_word_start.size() - 2));
      if (!bytes) return std::unexpected("invalid base64 in " + std::string(token));
      decoded += *bytes;
    } else {
      decoded += token;
    }
    previous_encoded = encoded;
    first = false;
    if (end == words.size()) break;
    words.remove_prefix(end + 1);
  }
  return decoded;
}

std::optional<std::string> compare(std::string_view what, const std::string& decoded,
                                   std::string_view value) {
  if (decoded == value) return std::nullopt;
  return std::string(what) + " decodes to \"" + decoded + "\", not \"" + std::string(value) + "\"";
}

std::optional<std::string> check_subject(std::string_view value) {
  const auto unfolded = unfold(notifiers::unstructured_field("Subject", value));
  if (!unfolded) return "Subject: " + unfolded.error();
  if (!unfolded->starts_with("Subject:")) return std::string("Subject: field name lost");
  const auto decoded = decode_words(std::string_view(*unfolded).substr(8));
  if (!decoded) return "Subject: " + decoded.error();
  return compare("Subject", *decoded, value);
}

std::optional<std::string> check_display_name(const Address& to) {
  const std::string field = notifiers::address_field("To", {to});
  const auto unfolded = unfold(field, !field.starts_with("To: \""));
  if (!unfolded) return "To: " + unfolded.error();
  if (to.name.empty()) {
    return *unfolded == "To: " + to.email ? std::nullopt
                                          : std::optional<std::string>("To: bare address lost");
  }
  std::string_view phrase = *unfolded;
  const std::string angle = " <" + to.email + ">";
  if (!phrase.starts_with("To:") || !phrase.ends_with(angle)) return std::string("To: address lost");
  phrase = phrase.substr(3, phrase.size() - 3 - angle.size());
  if (phrase.starts_with(" \"")) {  // a quoted-string: undo the backslashes
    std::string unquoted;
    for (std::size_t i = 2; i + 1 < phrase.size(); ++i) {
      if (phrase[i] == '\\') ++i;
      unquoted += phrase[i];
    }
    return compare("To", unquoted, to.name);
  }
  const auto decoded = decode_words(phrase);
  if (!decoded) return "To: " + decoded.error();
  return compare("To", *decoded, to.name);
}

}  // namespace

std::optional<std::string> check_mime_header(std::string_view input) {
  if (input.empty()) return std::nullopt;
  const bool subject = (static_cast<unsigned char>(input[0]) & 1u) == 0;
  const std::string value(input.substr(1));
  Message message{.id = "fuzz"};
  message.subject = subject ? value : "Promemoria";
  message.to = {Address{.name = subject ? "Giunta" : value, .email = "giunta@ente.example.it"}};
  const Address from{.name = "Scadenzario", .email = "scadenzario@ente.example.it"};
  const bool has_break = value.find_first_of("\r\n") != std::string::npos;
  const auto refused = notifiers::header_error(message, from);
  if (has_break && !refused) return std::string("a value with CR or LF passed header_error()");
  if (refused) return std::nullopt;
  return subject ? check_subject(value) : check_display_name(message.to.front());
}

}  // namespace scadenzario::fuzz
