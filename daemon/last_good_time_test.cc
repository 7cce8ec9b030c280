#include "daemon/last_good_time.h"

#include <doctest/doctest.h>

using namespace vigil;

TEST_CASE("last known good time: written and read back; anything else is ignored") {
  CHECK(parse_last_good_time(format_last_good_time(1795425600)) == 1795425600);
  CHECK_FALSE(parse_last_good_time("").has_value());
  CHECK_FALSE(parse_last_good_time("yesterday\n").has_value());
  CHECK_FALSE(parse_last_good_time("-5\n").has_value());
  CHECK_FALSE(parse_last_good_time("12 34\n").has_value());
}

TEST_CASE("A clock behind the last known good time by more than the slack is reported") {
  const int64_t last = 1795425600;
  CHECK(seconds_behind(last + 10, last) == 0);
  CHECK(seconds_behind(last - kClockSlackSeconds, last) == 0);  // small steps happen
  CHECK(seconds_behind(last - 86400, last) == 86400);
  CHECK(seconds_behind(0, std::nullopt) == 0);  // first start: nothing to compare with
}
