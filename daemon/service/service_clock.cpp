#include "service/service_clock.hpp"

#include <boost/asio/system_timer.hpp>

namespace scadenzario::service {

namespace {

class SystemClock final : public ServiceClock {
public:
  SystemClock(boost::asio::io_context& io, const LocalClock& clock) : m_clock(clock), m_timer(io) {}

  std::time_t now() const override { return m_clock.now(); }

  void wake_at(std::time_t instant, std::function<void()> wake) override {
    m_timer.expires_at(m_clock.system_time(instant));  // cancels the earlier wait
    m_timer.async_wait([wake = std::move(wake)](const boost::system::error_code& error) {
      if (!error) wake();
    });
  }

  void cancel() override { m_timer.cancel(); }

private:
  LocalClock m_clock;
  boost::asio::system_timer m_timer;
};

}  // namespace

std::unique_ptr<ServiceClock> make_system_clock(boost::asio::io_context& io, const LocalClock& clock) {
  return std::make_unique<SystemClock>(io, clock);
}

}  // namespace scadenzario::service
