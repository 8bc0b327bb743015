// The HTML alternative of an e-mail: the subject as a heading, a table of the steps
// (act, step, due date, days left), then the plain text itself, so that the two
// alternatives say the same thing. Every piece of text is escaped: names and titles
// come from configuration that anyone with write access to the rules can edit.
#pragma once

#include "core/message.hpp"

#include <string>
#include <string_view>

namespace scadenzario::notifiers {

// Returns `message` as a UTF-8 HTML document.
std::string render_message_html(const Message& message);

// Returns `text` with &, <, >, " and ' as character references.
std::string escape_html(std::string_view text);

}  // namespace scadenzario::notifiers
