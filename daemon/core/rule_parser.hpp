// Parses one rule file (TOML text) into actors, people and acts. Pure: the caller
// reads the file and passes its text and display name. Checks everything that can be
// checked inside one file (keys, types, date and offset forms, step order); checks
// across files (unknown actors, duplicate ids, cycles) are the validator's.
#pragma once

#include "core/diagnostic.hpp"
#include "core/rule_set.hpp"

#include <string_view>

namespace scadenzario {

// True for an address people write: local@domain.tld, printable ASCII, no spaces, no
// display name, brackets or separators (those are built by the mailer, never taken in).
bool is_plausible_address(std::string_view address);

// Returns what `text` defines; every problem found is appended to `errors`.
RuleFile parse_rule_file(std::string_view text, std::string_view file, Diagnostics& errors);

}  // namespace scadenzario
