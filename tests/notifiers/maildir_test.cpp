// The Maildir channel on a real temporary directory: a message appears whole in new/,
// nothing stays in tmp/, delivering it again writes nothing, and a folder it cannot
// write to gives a clear result instead of an exception.
#include "notifiers/maildir_channel.hpp"
#include "notifiers/mime_message.hpp"

#include "support/temporary_directory.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace scadenzario::notifiers {
namespace {

namespace fs = std::filesystem;
using Outcome = DeliveryResult::Outcome;

constexpr std::time_t k_now = 1801555200;  // 2027-02-02 08:00:00 UTC

using test::TemporaryDirectory;

Message message(std::string id = "0123456789abcdef") {
  return Message{.id = std::move(id),
                 .keys = {"piano/2027/approva//reminder/2/giunta"},
                 .to = {{"Anna Neri", "anna@example.it"}},
                 .subject = "[Scadenzario] Piano della performance: APPROVA entro il 29/01/2027 (tra 2 giorni)",
                 .body = "Promemoria: il passo scade tra 2 giorni.\n"};
}

std::vector<std::string> names_in(const fs::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) names.push_back(entry.path().filename().string());
  std::ranges::sort(names);
  return names;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::perms permissions_of(const fs::path& path) { return fs::status(path).permissions() & fs::perms::all; }

// Delivers `m` as an unprivileged user when the test runs as root (root writes anywhere),
// in a child process; returns the outcome and its detail.
DeliveryResult deliver_unprivileged(Channel& channel, const Message& m) {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(2);
    const DeliveryResult result = channel.deliver(m, k_now);
    const std::string report = std::to_string(static_cast<int>(result.outcome)) + result.detail;
    const bool written = ::write(pipe_fds[1], report.data(), report.size()) == static_cast<ssize_t>(report.size());
    ::_exit(written ? 0 : 3);
  }
  ::close(pipe_fds[1]);
  std::string report;
  char buffer[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) report.append(buffer, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  REQUIRE(!report.empty());
  return DeliveryResult{static_cast<Outcome>(report[0] - '0'), report.substr(1)};
}

}  // namespace

TEST_CASE("maildir channel: creates the folder with tmp/, new/ and cur/, private to its owner",
          "[maildir]") {
  const TemporaryDirectory root;
  const fs::path maildir = root.path() / "state" / "Maildir";
  const auto channel = make_maildir_channel(maildir, Address{"Scadenzario", "scadenzario@localhost"});
  CHECK(channel->name() == "maildir");
  CHECK(to_string(Outcome::delivered) == "delivered");  // as the service logs it
  CHECK(to_string(DeliveryResult{}.outcome) == "transient");  // unset is not delivered
  for (const char* sub : {"tmp", "new", "cur"}) {
    CHECK(fs::is_directory(maildir / sub));
    CHECK((permissions_of(maildir / sub) & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
  }
}

TEST_CASE("maildir channel: a message appears whole in new/, named after its id, tmp/ is left empty",
          "[maildir]") {
  const TemporaryDirectory root;
  const fs::path maildir = root.path() / "Maildir";
  const auto channel = make_maildir_channel(maildir, Address{"Scadenzario", "scadenzario@localhost"});
  const DeliveryResult result = channel->deliver(message(), k_now);
  CHECK(result.outcome == Outcome::delivered);
  CHECK(result.detail == "delivered to " + (maildir / "new" / "0123456789abcdef.scadenzario").string());
  CHECK(names_in(maildir / "new") == std::vector<std::string>{"0123456789abcdef.scadenzario"});
  CHECK(names_in(maildir / "tmp").empty());
  CHECK(names_in(maildir / "cur").empty());
  const std::string text = read_file(maildir / "new" / "0123456789abcdef.scadenzario");
  CHECK(text.starts_with("From: Scadenzario <scadenzario@localhost>\r\nTo: Anna Neri <anna@example.it>\r\n"));
  CHECK(text.find("Message-ID: <0123456789abcdef@localhost>\r\n") != std::string::npos);
  CHECK(text.find("\r\n\r\nPromemoria: il passo scade tra 2 giorni.\r\n") != std::string::npos);
  CHECK(text == render_mime_message(message(), Address{"Scadenzario", "scadenzario@localhost"}, k_now));
  CHECK(permissions_of(maildir / "new" / "0123456789abcdef.scadenzario") ==
        (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("maildir channel: delivering the same message again writes nothing and says so", "[maildir]") {
  const TemporaryDirectory root;
  const fs::path maildir = root.path() / "Maildir";
  const auto channel = make_maildir_channel(maildir, Address{"Scadenzario", "scadenzario@localhost"});
  REQUIRE(channel->deliver(message(), k_now).outcome == Outcome::delivered);
  const fs::path file = maildir / "new" / "0123456789abcdef.scadenzario";
  const std::string first = read_file(file);

  const DeliveryResult again = channel->deliver(message(), k_now + 3600);  // a later Date
  CHECK(again.outcome == Outcome::delivered);
  CHECK(again.detail == "already delivered as " + file.string() + "; nothing written");
  CHECK(names_in(maildir / "new") == std::vector<std::string>{"0123456789abcdef.scadenzario"});
  CHECK(names_in(maildir / "tmp").empty());
  CHECK(read_file(file) == first);
}

TEST_CASE("maildir channel: a message a mail client has read (moved to cur/ with flags) is not "
          "delivered again", "[maildir]") {
  const TemporaryDirectory root;
  const fs::path maildir = root.path() / "Maildir";
  const auto channel = make_maildir_channel(maildir, Address{"Scadenzario", "scadenzario@localhost"});
  REQUIRE(channel->deliver(message(), k_now).outcome == Outcome::delivered);
  const fs::path read = maildir / "cur" / "0123456789abcdef.scadenzario:2,S";
  fs::rename(maildir / "new" / "0123456789abcdef.scadenzario", read);

  const DeliveryResult again = channel->deliver(message(), k_now);
  CHECK(again.outcome == Outcome::delivered);
  CHECK(again.detail == "already delivered as " + read.string() + "; nothing written");
  CHECK(names_in(maildir / "new").empty());
}

TEST_CASE("maildir channel: different messages are different files", "[maildir]") {
  const TemporaryDirectory root;
  const fs::path maildir = root.path() / "Maildir";
  const auto channel = make_maildir_channel(maildir, Address{"Scadenzario", "scadenzario@localhost"});
  CHECK(channel->deliver(message("00000000000000aa"), k_now).outcome == Outcome::delivered);
  CHECK(channel->deliver(message("00000000000000bb"), k_now).outcome == Outcome::delivered);
  CHECK(names_in(maildir / "new") ==
        std::vector<std::string>{"00000000000000aa.scadenzario", "00000000000000bb.scadenzario"});
}

TEST_CASE("maildir channel: a read-only folder is a transient failure naming the file and the "
          "reason", "[maildir]") {
  const TemporaryDirectory root;
  const fs::path maildir = root.path() / "Maildir";
  const auto channel = make_maildir_channel(maildir, Address{"Scadenzario", "scadenzario@localhost"});
  // Readable and searchable by all (the test may drop to an unprivileged user), writable by none.
  fs::permissions(root.path(), fs::perms::all & ~(fs::perms::group_write | fs::perms::others_write));
  for (const char* sub : {"", "/tmp", "/new", "/cur"}) {
    fs::permissions(maildir.string() + sub, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                                fs::perms::group_exec | fs::perms::others_read |
                                                fs::perms::others_exec);
  }
  const DeliveryResult result = deliver_unprivileged(*channel, message());
  CHECK(result.outcome == Outcome::transient);
  CHECK(result.detail ==
        "cannot create " + (maildir / "tmp" / "0123456789abcdef.scadenzario").string() + ": Permission denied");
  CHECK(names_in(maildir / "new").empty());
  CHECK(names_in(maildir / "tmp").empty());
}

TEST_CASE("maildir channel: a folder whose new/ is not a directory is a transient failure",
          "[maildir]") {
  const TemporaryDirectory root;
  const fs::path maildir = root.path() / "Maildir";
  fs::create_directories(maildir);
  std::ofstream(maildir / "new") << "not a directory";
  const auto channel = make_maildir_channel(maildir, Address{"Scadenzario", "scadenzario@localhost"});
  const DeliveryResult result = channel->deliver(message(), k_now);
  CHECK(result.outcome == Outcome::transient);
  CHECK(result.detail == "cannot use " + (maildir / "new").string() + ": Not a directory");
}

TEST_CASE("maildir channel: a message that cannot be rendered is a permanent failure, nothing is "
          "written", "[maildir]") {
  const TemporaryDirectory root;
  const fs::path maildir = root.path() / "Maildir";
  const auto channel = make_maildir_channel(maildir, Address{"Scadenzario", "scadenzario@localhost"});
  Message bad = message();
  bad.subject += "\r\nBcc: someone@example.it";
  const DeliveryResult result = channel->deliver(bad, k_now);
  CHECK(result.outcome == Outcome::permanent);
  CHECK(result.detail == "cannot render message 0123456789abcdef: Subject contains a line break (CR or LF)");
  CHECK(names_in(maildir / "new").empty());
  CHECK(names_in(maildir / "tmp").empty());
}

TEST_CASE("maildir channel: a folder others may write, or whose new/ is a symbolic link, is refused",
          "[maildir]") {
  const TemporaryDirectory root;
  const fs::path open = root.path() / "aperta";
  fs::create_directory(open);
  fs::permissions(open, fs::perms::all);  // 0777
  const auto exposed = make_maildir_channel(open / "Maildir", Address{"S", "s@localhost"});
  const DeliveryResult refused = exposed->deliver(message(), k_now);
  CHECK(refused.outcome == Outcome::transient);
  CHECK(refused.detail == "refusing the Maildir " + (open / "Maildir").string() + ": " + open.string() +
                              " is writable by others (mode 0777), who could plant or remove messages; chmod o-w " +
                              open.string());
  CHECK_FALSE(fs::exists(open / "Maildir"));

  const fs::path maildir = root.path() / "Maildir";
  fs::create_directories(maildir / "tmp");
  fs::create_directories(maildir / "cur");
  fs::create_directory(root.path() / "altrove");
  fs::create_directory_symlink(root.path() / "altrove", maildir / "new");
  const auto linked = make_maildir_channel(maildir, Address{"S", "s@localhost"});
  const DeliveryResult result = linked->deliver(message(), k_now);
  CHECK(result.outcome == Outcome::transient);
  CHECK(result.detail == "refusing " + (maildir / "new").string() + ": it is a symbolic link");
  CHECK(names_in(root.path() / "altrove").empty());
}

TEST_CASE("maildir channel: a decoy named like the message (a directory, a link) is not a delivery",
          "[maildir]") {
  const TemporaryDirectory root;
  const fs::path maildir = root.path() / "Maildir";
  const auto channel = make_maildir_channel(maildir, Address{"S", "s@localhost"});
  fs::create_directory(maildir / "cur" / "0123456789abcdef.scadenzario");  // a decoy directory
  fs::create_symlink("/etc/hostname", maildir / "cur" / "0123456789abcdef.scadenzario:2,S");
  const DeliveryResult result = channel->deliver(message(), k_now);
  CHECK(result.outcome == Outcome::delivered);
  CHECK(result.detail == "delivered to " + (maildir / "new" / "0123456789abcdef.scadenzario").string());
}

TEST_CASE("maildir channel: run as root in a folder of another user, what it makes is that user's",
          "[maildir]") {
  if (::geteuid() != 0) {
    WARN("not root: the ownership rule for commands run as root is not exercised");
    return;
  }
  const TemporaryDirectory root;
  const fs::path home = root.path() / "servizio";
  fs::create_directory(home);
  REQUIRE(::chown(home.c_str(), 65534, 65534) == 0);  // nobody:nogroup, as the service's user
  const auto channel = make_maildir_channel(home / "Maildir", Address{"S", "s@localhost"});
  REQUIRE(channel->deliver(message(), k_now).outcome == Outcome::delivered);
  for (const fs::path& path : {home / "Maildir", home / "Maildir" / "new", home / "Maildir" / "tmp",
                               home / "Maildir" / "cur", home / "Maildir" / "new" / "0123456789abcdef.scadenzario"}) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    INFO(path.string());
    CHECK(info.st_uid == 65534u);
    CHECK(info.st_gid == 65534u);
  }
}

}  // namespace scadenzario::notifiers
