#include "service/systemd_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

namespace scadenzario::service {

SystemdNotifier::SystemdNotifier() {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (!path || (path[0] != '/' && path[0] != '@')) return;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::size_t length = std::strlen(path);
  if (length >= sizeof address.sun_path) return;
  std::memcpy(address.sun_path, path, length);
  if (path[0] == '@') address.sun_path[0] = '\0';  // an abstract socket
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  const auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), size) != 0) {
    ::close(fd);
    return;
  }
  m_socket = fd;
}

SystemdNotifier::~SystemdNotifier() {
  if (m_socket >= 0) ::close(m_socket);
}

bool SystemdNotifier::notify(std::string_view state) const {
  if (m_socket < 0) return false;
  return ::send(m_socket, state.data(), state.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(state.size());
}

std::optional<std::chrono::microseconds> SystemdNotifier::watchdog_interval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0) return std::nullopt;
  return std::chrono::microseconds{usec};
}

}  // namespace scadenzario::service
