// A delivery channel: hands one message to a peer (a Maildir, an SMTP server, a webhook
// receiver) and says whether the peer accepted it. The service owns the outbox and the
// retries; a channel makes one attempt per call and never throws for a failure the
// world can cause (a full disk, a refused connection): it reports it. A channel is used
// by one thread at a time; it may keep a connection open between calls (end_batch()).
#pragma once

#include "core/message.hpp"

#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace scadenzario::notifiers {

struct DeliveryResult {
  // delivered: the peer has the message (or already had it: same id).
  // transient: try again later (network, full disk, permissions an administrator fixes).
  // permanent: this message will never be accepted; dead-letter it.
  enum class Outcome { delivered, transient, permanent };

  Outcome outcome = Outcome::transient;  // a result nobody filled in is not a delivery
  std::string detail;  // for the log: where it went, or what failed and why (no secrets)
  // When the peer said how long to wait before trying again (HTTP Retry-After).
  std::optional<std::chrono::seconds> retry_after;
};

std::string_view to_string(DeliveryResult::Outcome outcome);

class Channel {
public:
  virtual ~Channel() = default;

  // A short stable name for logs and configuration ("maildir", "smtp", "webhook").
  virtual std::string_view name() const = 0;

  // Makes one attempt to deliver `message`; `now` dates it. Delivering a message whose
  // id the peer already has is not an error: channels are idempotent on Message::id.
  virtual DeliveryResult deliver(const Message& message, std::time_t now) = 0;

  // Ends a batch of deliveries: releases what the channel keeps open between them (an
  // SMTP or HTTP connection, reused by the calls of one batch). The next deliver()
  // opens a new one. Call it before sleeping: servers close idle connections anyway.
  virtual void end_batch() {}
};

}  // namespace scadenzario::notifiers
