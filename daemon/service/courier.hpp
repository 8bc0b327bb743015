// Delivery off the event loop. A Courier delivers the messages of one channel: it has
// one worker thread per connection of the channel (one for the Maildir and each
// webhook, [smtp] connections for SMTP), hands each queued message to a free one, and
// reports every result back on the loop's executor. The loop decides what to send and
// records what happened; the workers only talk to the peer. So a peer that stalls holds
// its own workers, never the loop (timers, signals, the watchdog) nor another channel.
//
// A connection is kept open between messages and closed (QUIT) after `idle_close`
// without one. Every member function is called on the loop's thread.
#pragma once

#include "core/message.hpp"
#include "notifiers/channel.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace scadenzario::service {

class Courier {
public:
  struct Parcel {
    Message message;
    std::int64_t attempts = 0;  // the most attempts any of its keys has had before
  };
  // Called just before a parcel goes to a connection: false drops it (a step of it was
  // recorded while it waited in the queue).
  using Check = std::function<bool(const Parcel&)>;
  // Called with the courier, each parcel that went out and how its delivery ended. It
  // must not destroy the courier (post that instead).
  using Report = std::function<void(Courier&, Parcel, const notifiers::DeliveryResult&)>;
  // The instant that dates a message when it leaves (its Date header, a webhook's
  // timestamp).
  using Clock = std::function<std::time_t()>;

  struct Hooks {
    Check check;
    Report report;
    Clock now;
  };

  // REQUIRES: `connections` is not empty.
  Courier(boost::asio::any_io_executor executor, std::vector<std::unique_ptr<notifiers::Channel>> connections,
          std::chrono::milliseconds idle_close, Hooks hooks);
  // Cancels what is in flight and joins the workers. REQUIRES: is_idle() or the
  // executor has stopped running handlers (no report may still arrive).
  ~Courier();
  Courier(const Courier&) = delete;
  Courier& operator=(const Courier&) = delete;

  // Queues `parcel`; it goes as soon as a connection is free.
  void send(Parcel parcel);

  // Removes and returns the parcels no connection has taken yet.
  std::vector<Parcel> take_queued();

  // Makes every transfer in flight end soon (reported as cancelled) and sends nothing
  // more: for the service's stop.
  void cancel();

  std::size_t queued() const { return m_queue.size(); }
  std::size_t in_flight() const { return m_in_flight; }
  bool is_idle() const { return m_queue.empty() && m_in_flight == 0; }

private:
  class Connection;

  void pump();
  void on_done(std::size_t connection, Parcel parcel, const notifiers::DeliveryResult& result);

  boost::asio::any_io_executor m_executor;
  Hooks m_hooks;
  std::deque<Parcel> m_queue;
  std::vector<bool> m_busy;
  std::size_t m_in_flight = 0;
  bool m_cancelled = false;
  std::vector<std::unique_ptr<Connection>> m_connections;  // last: joined first
};

}  // namespace scadenzario::service
