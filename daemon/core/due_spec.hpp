// The textual forms of deadlines in rule files: when an act falls due within its
// recurrence ("01-31", "MM-last", "last", "start+120d") and when a step falls due
// relative to its act ("-15d", "-10bd").
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace scadenzario {

// How often an act recurs.
enum class Recurrence { year, month, mandate };

std::string_view to_string(Recurrence recurrence);

// When, inside its recurrence, an act falls due.
struct DueSpec {
  enum class MandateAnchor { start, end };

  unsigned month = 0;  // year: 1-12
  unsigned day = 0;    // year, month: day of month; 0 means the last day
  MandateAnchor anchor = MandateAnchor::start;  // mandate only
  int mandate_days = 0;                         // mandate only: signed calendar days

  friend bool operator==(const DueSpec&, const DueSpec&) = default;
};

// Parses the `due` of an act recurring as `recurrence`. On failure returns the message
// that says what was expected.
std::expected<DueSpec, std::string> parse_due_spec(Recurrence recurrence, std::string_view text);

// A step's due date relative to its act: calendar or business days, never positive
// in a valid rule.
struct Offset {
  enum class Unit { calendar_days, business_days };

  int amount = 0;
  Unit unit = Unit::calendar_days;

  friend bool operator==(const Offset&, const Offset&) = default;
};

// Parses "-15d", "-10bd", "0d" or "+0d". On failure returns what was expected.
std::expected<Offset, std::string> parse_offset(std::string_view text);

// The most calendar days a step can fall due before its act: parse_offset allows 366
// days, or 260 business days, which with a year's holidays span a little more.
constexpr int k_max_step_lead_days = 400;

// Returns the offset written back as text ("-15d", "-10bd", "0d").
std::string to_string(const Offset& offset);

}  // namespace scadenzario
