// Builds the channels a configuration asks for, at start and on every reload: e-mail by
// SMTP when [smtp] is set, else to the Maildir; one channel per [[webhook]]. This is the
// edge where secrets are read (files, systemd credentials); a missing or unreadable
// secret is an error here, at start, not at the first delivery.
#pragma once

#include "core/message.hpp"
#include "core/rule_set.hpp"
#include "notifiers/channel.hpp"

#include <ctime>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scadenzario::notifiers {

// The channels of a configuration by the names the outbox uses: "mail" (SMTP with
// [smtp], else the Maildir) and "webhook:NAME" for each [[webhook]]. Each name has one
// channel per connection it may hold open at once: [smtp] connections for SMTP, one for
// the others.
using Channels = std::map<std::string, std::vector<std::unique_ptr<Channel>>, std::less<>>;

// What the channels need from the process around them.
struct ChannelEnvironment {
  std::filesystem::path config_dir;                      // relative paths resolve here
  std::optional<std::filesystem::path> credentials_dir;  // $CREDENTIALS_DIRECTORY
  std::string host_name = "localhost";                   // EHLO name when the url has none
  std::optional<std::filesystem::path> maildir;          // replaces [delivery] maildir (--maildir)
};

// Returns the environment of this process for the configuration at `config_path`:
// its directory, $CREDENTIALS_DIRECTORY when set, and the host name.
ChannelEnvironment process_environment(const std::filesystem::path& config_path);

// Returns the channels of `config`, or every error found (unreadable secrets, a "whsec_"
// secret that is not base64).
std::expected<Channels, std::vector<std::string>> make_channels(const Config& config,
                                                                const ChannelEnvironment& environment);

// Returns a short Italian test message to `to`, for `scadenzario send-test`: no items
// (no calendar attachment), an id of its own at every `now`.
Message make_test_message(const Config& config, std::vector<Address> to, std::time_t now);

}  // namespace scadenzario::notifiers
