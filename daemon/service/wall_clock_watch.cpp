#include "service/wall_clock_watch.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <ctime>

namespace scadenzario::service {

WallClockWatch::WallClockWatch(boost::asio::io_context& io, std::function<void()> on_change)
    : m_descriptor(io), m_on_change(std::move(on_change)) {}

bool WallClockWatch::start() {
  const int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) return false;
  m_descriptor.assign(fd);
  if (!arm()) {
    stop();
    return false;
  }
  wait();
  return true;
}

void WallClockWatch::stop() {
  boost::system::error_code ignored;
  m_descriptor.close(ignored);
}

bool WallClockWatch::arm() {
  // An expiry that never comes: only the cancellation on a clock change matters.
  itimerspec never{};
  never.it_value.tv_sec = static_cast<std::time_t>(INT32_MAX);
  return timerfd_settime(m_descriptor.native_handle(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                         &never, nullptr) == 0;
}

void WallClockWatch::wait() {
  m_descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                          [this](const boost::system::error_code& error) {
                            if (error) return;  // closed: stopping
                            std::uint64_t expirations = 0;
                            const auto n = ::read(m_descriptor.native_handle(), &expirations,
                                                  sizeof expirations);
                            const bool changed = n < 0 && errno == ECANCELED;
                            // After a cancellation the timer must be armed again.
                            if (!arm()) return;
                            if (changed) m_on_change();
                            wait();
                          });
}

}  // namespace scadenzario::service
