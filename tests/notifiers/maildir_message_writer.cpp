// Test helper: delivers the sample Italian message through the Maildir channel into the
// Maildir given as argument and prints the file's path, for parse_message.py to read
// with independent parsers.
#include "notifiers/maildir_channel.hpp"
#include "sample_message.hpp"

#include <filesystem>
#include <iostream>

int main(int argc, char** argv) {
  using namespace scadenzario;
  if (argc != 2) {
    std::cerr << "usage: maildir_message_writer MAILDIR\n";
    return 2;
  }
  const Message message = test::sample_message();
  const std::filesystem::path maildir = argv[1];
  auto channel = notifiers::make_maildir_channel(maildir, test::sample_from());
  const notifiers::DeliveryResult result = channel->deliver(message, test::k_sample_now);
  if (result.outcome != notifiers::DeliveryResult::Outcome::delivered) {
    std::cerr << result.detail << "\n";
    return 1;
  }
  std::cout << (maildir / "new" / (message.id + ".scadenzario")).string() << "\n";
  return 0;
}
