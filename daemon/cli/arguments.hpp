// The command line of `scadenzario`: one command, its positional arguments and options.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace scadenzario::cli {

struct Arguments {
  std::string command;                        // "check", "plan", "done", "audit", ...
  std::vector<std::string> positional;        // after the command
  std::map<std::string, std::string> options;  // "--year" -> "2027"; flags map to ""

  bool has(std::string_view option) const { return options.contains(std::string(option)); }
  std::optional<std::string> get(std::string_view option) const;
};

struct UsageError {
  std::string message;
};

// Parses argv (without the program name). Every option must be allowed for the command.
std::variant<Arguments, UsageError> parse_arguments(const std::vector<std::string_view>& args);

extern const std::string_view k_usage;

}  // namespace scadenzario::cli
