#include "core/due_spec.hpp"

#include "core/civil_date.hpp"

#include <array>
#include <charconv>

namespace scadenzario {

namespace {

constexpr int k_max_offset_days = 366;           // a step more than a year ahead is a typo
constexpr int k_max_offset_business_days = 260;  // about a year of working days
constexpr int k_max_mandate_days = 5 * 366;      // a mandate lasts five years

constexpr std::array<std::string_view, 12> k_month_names = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// Parses a run of ASCII digits (no sign) filling the whole of `text`.
bool parse_digits(std::string_view text, int& out) {
  if (text.empty() || text.size() > 6) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  std::from_chars(text.data(), text.data() + text.size(), out);
  return true;
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::expected<DueSpec, std::string> parse_yearly(std::string_view text) {
  const std::string expected =
      "expected \"MM-DD\" or \"MM-last\" for an act with every = \"year\", e.g. \"01-31\"";
  int month = 0;
  if (text.size() < 4 || text[2] != '-' || !parse_digits(text.substr(0, 2), month)) {
    return std::unexpected(expected + ", found " + quoted(text));
  }
  if (month < 1 || month > 12) {
    return std::unexpected("impossible date " + quoted(text) + ": the month must be 01 to 12");
  }
  const auto umonth = static_cast<unsigned>(month);
  const std::string_view day_text = text.substr(3);
  if (day_text == "last") return DueSpec{.month = umonth, .day = 0};
  int day = 0;
  if (day_text.size() != 2 || !parse_digits(day_text, day)) {
    return std::unexpected(expected + ", found " + quoted(text));
  }
  // A leap year gives every month its longest length.
  const unsigned longest = days_in_month(2000, umonth);
  if (day < 1 || static_cast<unsigned>(day) > longest) {
    return std::unexpected("impossible date " + quoted(text) + ": " +
                           std::string(k_month_names[umonth - 1]) + " has " +
                           (umonth == 2 ? "28 or 29" : std::to_string(longest)) + " days");
  }
  if (umonth == 2 && day == 29) {
    return std::unexpected("\"02-29\" does not exist in every year; write \"02-last\" for the last "
                           "day of February");
  }
  return DueSpec{.month = umonth, .day = static_cast<unsigned>(day)};
}

std::expected<DueSpec, std::string> parse_monthly(std::string_view text) {
  if (text == "last") return DueSpec{.day = 0};
  int day = 0;
  if (text.size() != 2 || !parse_digits(text, day)) {
    return std::unexpected("expected \"DD\" or \"last\" for an act with every = \"month\", found " +
                           quoted(text));
  }
  if (day < 1 || day > 31) {
    return std::unexpected("impossible day " + quoted(text) + ": the day must be 01 to 31");
  }
  return DueSpec{.day = static_cast<unsigned>(day)};
}

std::expected<DueSpec, std::string> parse_mandate(std::string_view text) {
  const std::string expected =
      "expected \"start\", \"end\", \"start+Nd\" or \"end-Nd\" for an act with every = "
      "\"mandate\", found " + quoted(text);
  DueSpec spec;
  std::string_view rest;
  if (text.starts_with("start")) {
    spec.anchor = DueSpec::MandateAnchor::start;
    rest = text.substr(5);
  } else if (text.starts_with("end")) {
    spec.anchor = DueSpec::MandateAnchor::end;
    rest = text.substr(3);
  } else {
    return std::unexpected(expected);
  }
  if (rest.empty()) return spec;
  if (rest.size() < 3 || (rest[0] != '+' && rest[0] != '-') || rest.back() != 'd') {
    return std::unexpected(expected);
  }
  int days = 0;
  if (!parse_digits(rest.substr(1, rest.size() - 2), days)) return std::unexpected(expected);
  if (days > k_max_mandate_days) {
    return std::unexpected("mandate offset " + quoted(text) + " is longer than a mandate (at most " +
                           std::to_string(k_max_mandate_days) + " days)");
  }
  spec.mandate_days = rest[0] == '-' ? -days : days;
  return spec;
}

}  // namespace

std::string_view to_string(Recurrence recurrence) {
  switch (recurrence) {
    case Recurrence::year: return "year";
    case Recurrence::month: return "month";
    case Recurrence::mandate: return "mandate";
  }
  return "year";
}

std::expected<DueSpec, std::string> parse_due_spec(Recurrence recurrence, std::string_view text) {
  switch (recurrence) {
    case Recurrence::year: return parse_yearly(text);
    case Recurrence::month: return parse_monthly(text);
    case Recurrence::mandate: return parse_mandate(text);
  }
  return std::unexpected("unknown recurrence");
}

std::expected<Offset, std::string> parse_offset(std::string_view text) {
  const std::string expected =
      "expected an offset such as \"-15d\" (calendar days) or \"-10bd\" (business days), found " +
      quoted(text);
  Offset offset;
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (rest.ends_with("bd")) {
    offset.unit = Offset::Unit::business_days;
    rest.remove_suffix(2);
  } else if (rest.ends_with("d")) {
    rest.remove_suffix(1);
  } else {
    return std::unexpected(expected);
  }
  int amount = 0;
  if (!parse_digits(rest, amount)) return std::unexpected(expected);
  const int limit = offset.unit == Offset::Unit::business_days ? k_max_offset_business_days
                                                               : k_max_offset_days;
  if (amount > limit) {
    return std::unexpected("offset " + quoted(text) + " is more than a year (at most " +
                           std::to_string(limit) +
                           (offset.unit == Offset::Unit::business_days ? "bd)" : "d)"));
  }
  offset.amount = negative ? -amount : amount;
  return offset;
}

std::string to_string(const Offset& offset) {
  std::string text = offset.amount > 0 ? "+" : "";
  text += std::to_string(offset.amount);
  text += offset.unit == Offset::Unit::business_days ? "bd" : "d";
  return text;
}

}  // namespace scadenzario
