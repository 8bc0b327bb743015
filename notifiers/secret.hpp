// A secret (an SMTP password, a webhook signing key) read from where the configuration
// says: a file, or a systemd credential under $CREDENTIALS_DIRECTORY. The bytes are
// wiped from memory when the Secret goes, and nothing here ever prints them: errors
// name the file, never its content.
#pragma once

#include "core/delivery_settings.hpp"

#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace scadenzario::notifiers {

class Secret {
public:
  Secret() = default;
  explicit Secret(std::string value) : m_value(std::move(value)) {}
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret();

  const std::string& reveal() const { return m_value; }
  bool empty() const { return m_value.empty(); }

private:
  void wipe();

  std::string m_value;
};

// Returns the secret `source` names: the file (relative paths: to `config_dir`) or the
// credential under `credentials_dir` (the value of $CREDENTIALS_DIRECTORY, if set),
// without one trailing line break. An error (what and where, never the content) when
// it is missing, unreadable, readable by others, empty or larger than 64 KiB.
std::expected<Secret, std::string> read_secret(
    const SecretSource& source, const std::filesystem::path& config_dir,
    const std::optional<std::filesystem::path>& credentials_dir);

}  // namespace scadenzario::notifiers
