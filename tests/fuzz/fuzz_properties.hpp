// The properties the fuzz targets check on every input, shared by the libFuzzer
// targets (clang, tests/fuzz/fuzz_*.cpp) and by the regression test that replays the
// saved inputs in the normal build. Each function runs one input through the code under
// test and returns the property it broke, or nullopt. None may crash, hang or leak.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scadenzario::fuzz {

// A rule file on top of the default configuration and roles: every diagnostic names
// the file and a position inside the text; an accepted file validates, holds single-line
// ids, names and titles, and expands into a plan for its years.
std::optional<std::string> check_rule_file(std::string_view text);

// A configuration file: every diagnostic is located inside the text; an accepted one
// has a name, a calendar and header-safe delivery settings.
std::optional<std::string> check_config(std::string_view text);

// The first byte picks the parser (act due in a year, month or mandate, or a step
// offset), the rest is its text. Accepted values are in range and an offset re-formats
// to a text that parses to the same offset.
std::optional<std::string> check_due_spec(std::string_view input);

// The first byte picks the header (Subject or a To display name), the rest is its
// value. A value that header_error() accepts renders as ASCII lines ending in CRLF, no
// longer than 998 characters, folded only before a space, that decode to the value.
std::optional<std::string> check_mime_header(std::string_view input);

}  // namespace scadenzario::fuzz
