// The backoff of failed deliveries: doubling, the cap, the jitter band, Retry-After and
// the maximum age.
#include "core/retry_policy.hpp"

#include <catch2/catch.hpp>

using namespace scadenzario;
using std::chrono::seconds;

TEST_CASE("retry_delay: doubles from the first wait, within [half, whole] of it", "[retry]") {
  const RetryPolicy policy{.first = seconds{60}, .cap = seconds{3600}, .max_age = seconds{72 * 3600}};
  CHECK(retry_delay(policy, 1, 1.0) == seconds{60});
  CHECK(retry_delay(policy, 1, 0.0) == seconds{30});
  CHECK(retry_delay(policy, 2, 1.0) == seconds{120});
  CHECK(retry_delay(policy, 3, 1.0) == seconds{240});
  CHECK(retry_delay(policy, 3, 0.5) == seconds{180});
  CHECK(retry_delay(policy, 6, 1.0) == seconds{1920});
}

TEST_CASE("retry_delay: capped at one hour however many failures", "[retry]") {
  const RetryPolicy policy;
  CHECK(retry_delay(policy, 7, 1.0) == seconds{3600});  // 60 * 2^6 = 3840, capped
  CHECK(retry_delay(policy, 1000, 1.0) == seconds{3600});
  CHECK(retry_delay(policy, 1000, 0.0) == seconds{1800});
  CHECK(retry_delay(policy, 1000, 7.0) == seconds{3600});  // jitter outside [0, 1] is clamped
}

TEST_CASE("retry_delay: a peer's Retry-After is a floor, bounded by the maximum age", "[retry]") {
  const RetryPolicy policy;
  CHECK(retry_delay(policy, 1, 1.0, seconds{600}) == seconds{600});
  CHECK(retry_delay(policy, 8, 1.0, seconds{5}) == seconds{3600});
  CHECK(retry_delay(policy, 1, 1.0, seconds{30 * 24 * 3600}) == policy.max_age);
}

TEST_CASE("past_max_age: a delivery older than the maximum age is dead", "[retry]") {
  const RetryPolicy policy;
  CHECK_FALSE(past_max_age(policy, seconds{72 * 3600}));
  CHECK(past_max_age(policy, seconds{72 * 3600 + 1}));
}
