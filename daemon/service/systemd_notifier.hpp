// The service's side of systemd's notify protocol (READY=1, STATUS=, WATCHDOG=1,
// STOPPING=1) over one datagram socket opened once, at start: a watchdog ping is one
// send(2), where sd_notify(3) opens, sends and closes a new socket every time. Without
// $NOTIFY_SOCKET (not run by systemd) every call does nothing.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace scadenzario::service {

class SystemdNotifier {
public:
  // Connects to $NOTIFY_SOCKET ("/path" or "@abstract") when it is set.
  SystemdNotifier();
  ~SystemdNotifier();
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  // Sends one state line ("READY=1"); false when it could not be sent (or no socket).
  bool notify(std::string_view state) const;

  // The watchdog interval systemd asks for ($WATCHDOG_USEC for this process), if any.
  static std::optional<std::chrono::microseconds> watchdog_interval();

private:
  int m_socket = -1;
};

}  // namespace scadenzario::service
