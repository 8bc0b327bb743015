// Wakes the service when the wall clock is set (an administrator's `date -s`, an NTP step,
// a virtual machine resumed after days). The service sleeps on a timer that the kernel
// counts on the monotonic clock from the moment it is armed, so without this a jump
// forward would leave it asleep past what has become due, until the old instant.
//
// A timerfd on CLOCK_REALTIME armed with TFD_TIMER_CANCEL_ON_SET is cancelled by the
// kernel when the clock is set; its descriptor sits in Asio's epoll set, so waiting
// costs no system call.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <functional>

namespace scadenzario::service {

class WallClockWatch {
public:
  // `on_change` runs on the io_context's thread after every change of the wall clock.
  WallClockWatch(boost::asio::io_context& io, std::function<void()> on_change);

  // Starts watching; returns false (and watching is off) where timerfd is unavailable.
  bool start();
  void stop();

private:
  bool arm();
  void wait();

  boost::asio::posix::stream_descriptor m_descriptor;
  std::function<void()> m_on_change;
};

}  // namespace scadenzario::service
