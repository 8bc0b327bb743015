// A delivery channel for the service's unit tests: it records what it is given, fails
// when told, and stalls on command until released or cancelled, like a silent peer.
// The test keeps the FakePeer; the service owns the FakeChannels made of it (one per
// connection). Thread-safe: the service calls deliver() on its courier's threads.
#pragma once

#include "notifiers/channel.hpp"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace scadenzario::test {

class FakePeer {
public:
  using Result = notifiers::DeliveryResult;

  // The next deliveries end with these results, in order; then each is delivered.
  void script(std::vector<Result> results) {
    const std::scoped_lock lock(m_mutex);
    m_script.insert(m_script.end(), results.begin(), results.end());
  }

  // From now on every delivery waits, as on a peer that does not answer, until
  // release() (then it goes on as scripted) or the channel's cancel().
  void stall() {
    const std::scoped_lock lock(m_mutex);
    m_stalled = true;
  }
  void release() {
    {
      const std::scoped_lock lock(m_mutex);
      m_stalled = false;
    }
    m_changed.notify_all();
  }

  // The messages delivered (accepted by the peer), in order.
  std::vector<Message> delivered() const {
    const std::scoped_lock lock(m_mutex);
    return m_delivered;
  }
  // How many deliveries have started (stalled ones included).
  std::size_t attempts() const {
    const std::scoped_lock lock(m_mutex);
    return m_attempts;
  }
  std::size_t waiting() const {
    const std::scoped_lock lock(m_mutex);
    return m_waiting;
  }

  Result deliver(const Message& message, const bool& cancelled) {
    std::unique_lock lock(m_mutex);
    ++m_attempts;
    ++m_waiting;
    m_changed.wait(lock, [&] { return !m_stalled || cancelled; });
    --m_waiting;
    if (cancelled) return {.outcome = Result::Outcome::cancelled, .detail = "fake: cancelled"};
    Result result{.outcome = Result::Outcome::delivered, .detail = "fake: accepted"};
    if (!m_script.empty()) {
      result = m_script.front();
      m_script.pop_front();
    }
    if (result.outcome == Result::Outcome::delivered) m_delivered.push_back(message);
    return result;
  }

  void wake_all() { m_changed.notify_all(); }
  std::mutex& mutex() { return m_mutex; }

private:
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Result> m_script;
  std::vector<Message> m_delivered;
  std::size_t m_attempts = 0;
  std::size_t m_waiting = 0;
  bool m_stalled = false;
};

class FakeChannel final : public notifiers::Channel {
public:
  explicit FakeChannel(std::shared_ptr<FakePeer> peer) : m_peer(std::move(peer)) {}

  std::string_view name() const override { return "fake"; }

  notifiers::DeliveryResult deliver(const Message& message, std::time_t) override {
    return m_peer->deliver(message, m_cancelled);
  }

  void cancel() override {
    {
      const std::scoped_lock lock(m_peer->mutex());
      m_cancelled = true;
    }
    m_peer->wake_all();
  }

private:
  std::shared_ptr<FakePeer> m_peer;
  bool m_cancelled = false;  // guarded by the peer's mutex
};

}  // namespace scadenzario::test
