// The textual forms of due dates and step offsets.
#include "core/due_spec.hpp"

#include <catch2/catch.hpp>

namespace scadenzario {

TEST_CASE("parse_due_spec: yearly forms", "[due]") {
  CHECK(parse_due_spec(Recurrence::year, "01-31") == DueSpec{.month = 1, .day = 31});
  CHECK(parse_due_spec(Recurrence::year, "02-last") == DueSpec{.month = 2, .day = 0});
  CHECK(parse_due_spec(Recurrence::year, "02-30").error() ==
        "impossible date \"02-30\": February has 28 or 29 days");
  CHECK(parse_due_spec(Recurrence::year, "04-31").error() ==
        "impossible date \"04-31\": April has 30 days");
  CHECK(parse_due_spec(Recurrence::year, "13-01").error() ==
        "impossible date \"13-01\": the month must be 01 to 12");
  CHECK(parse_due_spec(Recurrence::year, "02-29").error() ==
        "\"02-29\" does not exist in every year; write \"02-last\" for the last day of February");
  CHECK(parse_due_spec(Recurrence::year, "31/01").error() ==
        "expected \"MM-DD\" or \"MM-last\" for an act with every = \"year\", e.g. \"01-31\", "
        "found \"31/01\"");
}

TEST_CASE("parse_due_spec: monthly forms", "[due]") {
  CHECK(parse_due_spec(Recurrence::month, "last") == DueSpec{.day = 0});
  CHECK(parse_due_spec(Recurrence::month, "15") == DueSpec{.day = 15});
  CHECK(parse_due_spec(Recurrence::month, "32").error() ==
        "impossible day \"32\": the day must be 01 to 31");
  CHECK_FALSE(parse_due_spec(Recurrence::month, "01-31").has_value());
}

TEST_CASE("parse_due_spec: mandate forms", "[due]") {
  using Anchor = DueSpec::MandateAnchor;
  CHECK(parse_due_spec(Recurrence::mandate, "start+120d") ==
        DueSpec{.anchor = Anchor::start, .mandate_days = 120});
  CHECK(parse_due_spec(Recurrence::mandate, "end-90d") ==
        DueSpec{.anchor = Anchor::end, .mandate_days = -90});
  CHECK(parse_due_spec(Recurrence::mandate, "end") == DueSpec{.anchor = Anchor::end});
  CHECK_FALSE(parse_due_spec(Recurrence::mandate, "inizio").has_value());
  CHECK_FALSE(parse_due_spec(Recurrence::mandate, "start+120").has_value());
  CHECK(parse_due_spec(Recurrence::mandate, "start+9999d").error() ==
        "mandate offset \"start+9999d\" is longer than a mandate (at most 1830 days)");
}

TEST_CASE("parse_offset: calendar and business days", "[due]") {
  using Unit = Offset::Unit;
  CHECK(parse_offset("-15d") == Offset{-15, Unit::calendar_days});
  CHECK(parse_offset("-10bd") == Offset{-10, Unit::business_days});
  CHECK(parse_offset("0d") == Offset{0, Unit::calendar_days});
  CHECK(parse_offset("+5d") == Offset{5, Unit::calendar_days});
  CHECK(parse_offset("-15").error() ==
        "expected an offset such as \"-15d\" (calendar days) or \"-10bd\" (business days), "
        "found \"-15\"");
  CHECK_FALSE(parse_offset("d").has_value());
  CHECK_FALSE(parse_offset("--1d").has_value());
  CHECK(parse_offset("-400d").error() == "offset \"-400d\" is more than a year (at most 366d)");
  CHECK(to_string(Offset{-10, Unit::business_days}) == "-10bd");
  CHECK(to_string(Offset{0, Unit::calendar_days}) == "0d");
}

}  // namespace scadenzario
