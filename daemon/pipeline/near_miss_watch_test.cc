#include "daemon/pipeline/near_miss_watch.h"

#include <doctest/doctest.h>

using namespace vigil;

TEST_CASE("THREATS rule 6: many near misses for one upstream in a window raise one alert") {
  NearMissWatch watch(3);
  CHECK_FALSE(watch.record("a", 0));
  CHECK_FALSE(watch.record("b", 100));  // another upstream counts apart
  CHECK_FALSE(watch.record("a", 200));
  CHECK(watch.record("a", 300));        // the third within 10 s
  CHECK_FALSE(watch.record("a", 400));  // the window starts again
  CHECK_FALSE(watch.record("a", 500));
  CHECK(watch.record("a", 600));
  // Spread out beyond the window: never an alert.
  NearMissWatch slow(3);
  for (uint64_t t = 0; t < 100000; t += 6000) CHECK_FALSE(slow.record("a", t));
  NearMissWatch off(0);
  CHECK_FALSE(off.record("a", 0));
}
