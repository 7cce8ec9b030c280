#include "daemon/clock_watch.h"

#include <doctest/doctest.h>

using namespace vigil;

TEST_CASE("THREATS rule 19: a wall clock jump against the monotonic clock is noticed") {
  ClockWatch watch;
  CHECK_FALSE(watch.observe(1'780'000'000, 100).has_value());  // first look: nothing to compare
  CHECK_FALSE(watch.observe(1'780'000'010, 110).has_value());  // both moved together
  CHECK_FALSE(watch.observe(1'780'000'070, 120).has_value());  // 50 s of slewing is no jump
  const auto forward = watch.observe(1'780'086'470, 130);      // a day ahead
  REQUIRE(forward.has_value());
  CHECK(*forward == 86'390);
  const auto backward = watch.observe(1'780'000'000, 140);
  REQUIRE(backward.has_value());
  CHECK(*backward < 0);
}
