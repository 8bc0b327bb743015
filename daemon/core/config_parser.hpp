// Parses the installation's configuration file (TOML text): the body's name, time zone,
// calendar, council mandates, reminder policy and proroghe. Pure: the caller reads the
// file. Whether the time zone exists is checked by the loader, which has the tz database.
#pragma once

#include "core/diagnostic.hpp"
#include "core/rule_set.hpp"

#include <string_view>

namespace scadenzario {

// Returns the configuration in `text`; every problem found is appended to `errors`.
Config parse_config(std::string_view text, std::string_view file, Diagnostics& errors);

}  // namespace scadenzario
