// A delivery channel: hands one message to a peer (a Maildir, an SMTP server, a webhook
// receiver) and says whether the peer accepted it. The service owns the outbox and the
// retries; a channel makes one attempt per call and never throws for a failure the
// world can cause (a full disk, a refused connection): it reports it. A channel is used
// by one thread at a time (the service gives each instance a thread of its own), except
// cancel(), which any thread may call. It may keep a connection open between calls.
#pragma once

#include "core/message.hpp"

#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scadenzario::notifiers {

// A recipient the peer refused while it accepted the message for the others.
struct RefusedRecipient {
  std::string email;
  std::string reply;  // the server's reply to RCPT TO, "550 5.1.1 ... unknown user"

  friend bool operator==(const RefusedRecipient&, const RefusedRecipient&) = default;
};

struct DeliveryResult {
  // delivered: the peer has the message (or already had it: same id).
  // transient: try again later (network, full disk, permissions an administrator fixes).
  // permanent: this message will never be accepted; dead-letter it.
  // cancelled: cancel() stopped the attempt; the peer may or may not have the message.
  enum class Outcome { delivered, transient, permanent, cancelled };

  // Whose failure it is. message: this message's own (a refused recipient, a body too
  // large). connection: the peer could not be reached or did not answer (refused,
  // timeout, TLS): the channel's other messages would fail alike. configuration: the
  // peer refuses every message until an administrator fixes something (the sender
  // address, the password, the webhook's key, STARTTLS).
  enum class Scope { message, connection, configuration };

  Outcome outcome = Outcome::transient;  // a result nobody filled in is not a delivery
  std::string detail;  // for the log: where it went, or what failed and why (no secrets)
  // When the peer said how long to wait before trying again (HTTP Retry-After).
  std::optional<std::chrono::seconds> retry_after;
  Scope scope = Scope::message;
  // Delivered: the recipients the peer refused, each dead for this message alone.
  std::vector<RefusedRecipient> refused;
};

std::string_view to_string(DeliveryResult::Outcome outcome);
std::string_view to_string(DeliveryResult::Scope scope);

class Channel {
public:
  virtual ~Channel() = default;

  // A short stable name for logs and configuration ("maildir", "smtp", "webhook").
  virtual std::string_view name() const = 0;

  // Makes one attempt to deliver `message`; `now` dates it. Delivering a message whose
  // id the peer already has is not an error: channels are idempotent on Message::id.
  // Every phase of the exchange is bounded by the channel's timeout.
  virtual DeliveryResult deliver(const Message& message, std::time_t now) = 0;

  // Releases what the channel keeps open between deliveries (an SMTP or HTTP
  // connection). The next deliver() opens a new one. Bounded like deliver().
  virtual void end_batch() {}

  // Thread-safe: makes the deliver() or end_batch() running on another thread return
  // within about a second (deliver() with Outcome::cancelled), and every later call at
  // once, for the service's stop. A channel whose calls never wait on a peer (the
  // Maildir) needs nothing here.
  virtual void cancel() {}
};

}  // namespace scadenzario::notifiers
