// libFuzzer target: a rule file (TOML text) parsed on top of the base configuration and roles, validated and planned.
// Aborts on a broken property (fuzz_properties.hpp), which libFuzzer reports as a crash.
#include "fuzz_properties.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto broken = scadenzario::fuzz::check_rule_file(input)) {
    std::fprintf(stderr, "property broken: %s\n", broken->c_str());
    std::abort();
  }
  return 0;
}
