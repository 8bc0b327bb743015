// Reads the settings of the delivery channels from the configuration: [smtp] and every
// [[webhook]] (the validator checks the webhook names that [delivery] and roles refer
// to). Internal to the core. Every value that may reach a mail or HTTP header is one line of
// text (no CR or LF: header injection), and no secret is read from the file itself.
#pragma once

#include "core/rule_set.hpp"
#include "core/toml_reader.hpp"

namespace scadenzario {

// Returns the [smtp] table's settings; nullopt (with errors) when they are unusable.
std::optional<SmtpSettings> read_smtp(const toml::table& table, ParseContext& context);

// Returns every [[webhook]] of the configuration, in file order; duplicates and bad
// entries are reported and left out.
std::vector<WebhookSettings> read_webhooks(TableReader& config_reader, ParseContext& context);

}  // namespace scadenzario
