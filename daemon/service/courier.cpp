#include "service/courier.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <cassert>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>

namespace scadenzario::service {

// One channel instance, so one connection to the peer, and the thread that uses it.
class Courier::Connection {
public:
  using Job = std::move_only_function<void(notifiers::Channel&)>;

  Connection(std::unique_ptr<notifiers::Channel> channel, std::chrono::milliseconds idle_close)
      : m_channel(std::move(channel)), m_idle_close(idle_close),
        m_thread([this](std::stop_token stop) { run(stop); }) {}

  // The connection is dropped without a polite QUIT: a silent server would hold the
  // loop that destroys it for a whole timeout.
  ~Connection() {
    m_channel->cancel();
    m_thread.request_stop();
    m_thread.join();
  }

  // Runs `job` on the connection's thread. REQUIRES: the previous job has finished.
  void start(Job job) {
    {
      const std::scoped_lock lock(m_mutex);
      assert(!m_job);
      m_job = std::move(job);
    }
    m_wake.notify_one();
  }

  void cancel() { m_channel->cancel(); }

private:
  void run(std::stop_token stop) {
    std::unique_lock lock(m_mutex);
    bool open = false;  // a delivery since the last end_batch()
    const auto has_job = [this] { return m_job.has_value(); };
    while (!stop.stop_requested()) {
      if (m_job) {
        Job job = std::move(*m_job);
        m_job.reset();
        lock.unlock();
        job(*m_channel);
        open = true;
        lock.lock();
      } else if (open && !m_wake.wait_for(lock, stop, m_idle_close, has_job)) {
        if (stop.stop_requested()) break;
        lock.unlock();
        m_channel->end_batch();  // idle: QUIT, then close
        open = false;
        lock.lock();
      } else if (!open) {
        m_wake.wait(lock, stop, has_job);
      }
    }
    lock.unlock();
    if (open) m_channel->end_batch();
  }

  std::unique_ptr<notifiers::Channel> m_channel;
  std::chrono::milliseconds m_idle_close;
  std::mutex m_mutex;
  std::condition_variable_any m_wake;
  std::optional<Job> m_job;
  std::jthread m_thread;  // last: started when the rest is ready
};

Courier::Courier(boost::asio::any_io_executor executor,
                 std::vector<std::unique_ptr<notifiers::Channel>> connections,
                 std::chrono::milliseconds idle_close, Hooks hooks)
    : m_executor(std::move(executor)), m_hooks(std::move(hooks)), m_busy(connections.size(), false) {
  assert(!connections.empty());
  for (auto& channel : connections) m_connections.push_back(std::make_unique<Connection>(std::move(channel), idle_close));
}

Courier::~Courier() { cancel(); }

void Courier::send(Parcel parcel) {
  m_queue.push_back(std::move(parcel));
  pump();
}

std::vector<Courier::Parcel> Courier::take_queued() {
  std::vector<Parcel> taken(std::make_move_iterator(m_queue.begin()), std::make_move_iterator(m_queue.end()));
  m_queue.clear();
  return taken;
}

void Courier::cancel() {
  m_cancelled = true;
  for (auto& connection : m_connections) connection->cancel();
}

void Courier::pump() {
  for (std::size_t i = 0; i < m_connections.size() && !m_cancelled; ++i) {
    while (!m_busy[i] && !m_queue.empty()) {
      Parcel parcel = std::move(m_queue.front());
      m_queue.pop_front();
      if (!m_hooks.check(parcel)) continue;
      m_busy[i] = true;
      ++m_in_flight;
      // The guard keeps the loop running until the result is back, even after a stop.
      auto guard = boost::asio::make_work_guard(m_executor);
      const std::time_t now = m_hooks.now();
      m_connections[i]->start([this, i, now, guard = std::move(guard),
                               parcel = std::move(parcel)](notifiers::Channel& channel) mutable {
        notifiers::DeliveryResult result;
        try {
          result = channel.deliver(parcel.message, now);
        } catch (const std::exception& error) {  // a bug, or no memory: never std::terminate
          result = {.outcome = notifiers::DeliveryResult::Outcome::transient,
                    .detail = std::string("internal error: ") + error.what()};
        }
        boost::asio::post(m_executor, [this, i, parcel = std::move(parcel), result = std::move(result)]() mutable {
          on_done(i, std::move(parcel), result);
        });
        guard.reset();
      });
    }
  }
}

void Courier::on_done(std::size_t connection, Parcel parcel, const notifiers::DeliveryResult& result) {
  m_busy[connection] = false;
  --m_in_flight;
  m_hooks.report(*this, std::move(parcel), result);
  pump();
}

}  // namespace scadenzario::service
