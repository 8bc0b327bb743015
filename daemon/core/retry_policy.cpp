#include "core/retry_policy.hpp"

#include <algorithm>

namespace scadenzario {

std::chrono::seconds retry_delay(const RetryPolicy& policy, int failures, double jitter,
                                 std::optional<std::chrono::seconds> retry_after) {
  // Doubling stops at the cap; counting the doublings keeps the shift from overflowing.
  std::chrono::seconds backoff = std::max(policy.first, std::chrono::seconds{1});
  for (int i = 1; i < failures && backoff < policy.cap; ++i) backoff *= 2;
  backoff = std::min(backoff, policy.cap);
  const double unit = std::clamp(jitter, 0.0, 1.0);
  const auto half = backoff.count() / 2;
  std::chrono::seconds wait{half + static_cast<std::chrono::seconds::rep>(
                                       unit * static_cast<double>(backoff.count() - half))};
  if (retry_after) wait = std::max(wait, std::min(*retry_after, policy.max_age));
  return wait;
}

bool past_max_age(const RetryPolicy& policy, std::chrono::seconds age) {
  return age > policy.max_age;
}

}  // namespace scadenzario
