// When to try a failed delivery again. Pure: the randomness (jitter) and the time are
// passed in.
//
// Exponential backoff from `first`, doubling after each failure, capped at `cap`; the
// wait is drawn in [half, whole] of that ("equal jitter"), so that deliveries failed
// together (a mail server down for everyone) do not all come back at the same second,
// yet none comes back much sooner than planned. A peer's Retry-After is honoured: the
// wait is never shorter. A delivery still failing `max_age` after it was enqueued is
// dead-lettered: a reminder that arrives days late misleads more than it helps.
#pragma once

#include <chrono>
#include <optional>

namespace scadenzario {

struct RetryPolicy {
  std::chrono::seconds first{60};
  std::chrono::seconds cap{3600};
  std::chrono::seconds max_age{72 * 3600};
};

// Returns the wait after the `failures`-th failed attempt (1 for the first);
// `jitter` in [0, 1] picks the point in [half, whole] of the backoff.
std::chrono::seconds retry_delay(const RetryPolicy& policy, int failures, double jitter,
                                 std::optional<std::chrono::seconds> retry_after = std::nullopt);

// Whether a delivery enqueued `age` ago is past the policy's maximum age.
bool past_max_age(const RetryPolicy& policy, std::chrono::seconds age);

}  // namespace scadenzario
