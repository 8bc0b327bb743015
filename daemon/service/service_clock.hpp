// What the service asks of time: the current instant, and one timer that wakes it at an
// instant. The system's is LocalClock's time (with its test offset and speed) on an Asio
// system_timer; a test gives the service a clock that moves only when told, so that
// months of the service's life run in milliseconds, without a sleep.
#pragma once

#include "service/local_clock.hpp"

#include <boost/asio/io_context.hpp>

#include <ctime>
#include <functional>
#include <memory>

namespace scadenzario::service {

class ServiceClock {
public:
  virtual ~ServiceClock() = default;

  // The current instant.
  virtual std::time_t now() const = 0;

  // Runs `wake` on the loop once, at `instant` (soon if it is past), instead of any
  // earlier wait.
  virtual void wake_at(std::time_t instant, std::function<void()> wake) = 0;

  // Forgets the wait: its `wake` never runs.
  virtual void cancel() = 0;
};

// The system's clock: `clock`'s instants on an Asio system_timer of `io`.
std::unique_ptr<ServiceClock> make_system_clock(boost::asio::io_context& io, const LocalClock& clock);

}  // namespace scadenzario::service
