// The Maildir channel: delivers each message as one file of a local Maildir folder
// (https://cr.yp.to/proto/maildir.html), readable by any mail client, with no mail
// server: the embedded default. A file is written into tmp/, flushed to disk, then
// renamed into new/, and the directory is flushed, so a crash leaves either the whole
// message or nothing. The file is named after Message::id: delivering a message again
// (a retry after a crash between delivery and bookkeeping) finds it and writes nothing.
//
// File system failures (a full disk, a permission, a path that is not a directory) are
// transient: they belong to the folder, not to the message, and once an administrator
// fixes the folder every pending message goes through. Only a message that cannot be
// rendered is permanent.
#pragma once

#include "core/message.hpp"
#include "notifiers/channel.hpp"

#include <filesystem>
#include <memory>

namespace scadenzario::notifiers {

// Returns a channel delivering into `maildir` (created with tmp/, new/, cur/, mode 0700,
// when missing) as from `from`.
std::unique_ptr<Channel> make_maildir_channel(const std::filesystem::path& maildir, Address from);

}  // namespace scadenzario::notifiers
