#include "daemon/net/upstream_health.h"

#include <doctest/doctest.h>

#include <map>
#include <set>

#include "daemon/net/source_port.h"
#include "tests/support/seeded_random.h"

using namespace vigil;

TEST_CASE("the fastest upstream is preferred, with occasional exploration") {
  UpstreamHealth fast, slow;
  fast.record_reply(0, 5);
  slow.record_reply(0, 80);
  const UpstreamHealth* both[] = {&slow, &fast};
  testing::SeededRandom random(1);
  int fast_chosen = 0;
  for (int i = 0; i < 1000; ++i) {
    if (choose_upstream(both, {false, false}, 0, random) == 1u) ++fast_chosen;
  }
  CHECK(fast_chosen > 900);
  CHECK(fast_chosen < 1000);
}

TEST_CASE("an unmeasured upstream is tried before measured ones, tried ones are skipped") {
  UpstreamHealth measured, fresh;
  measured.record_reply(0, 1);
  const UpstreamHealth* both[] = {&measured, &fresh};
  testing::SeededRandom random(2);
  CHECK(choose_upstream(both, {false, true}, 0, random) == 0u);
  CHECK_FALSE(choose_upstream(both, {true, true}, 0, random));
}

TEST_CASE("three failures in a row back an upstream off; it is probed when the back-off ends") {
  UpstreamHealth dead, alive;
  alive.record_reply(0, 500);
  for (int i = 0; i < 3; ++i) dead.record_failure(1000, 1500);
  CHECK(dead.is_backed_off(1500));
  CHECK_FALSE(dead.is_backed_off(2000));
  const UpstreamHealth* both[] = {&dead, &alive};
  testing::SeededRandom random(3);
  for (int i = 0; i < 50; ++i) CHECK(choose_upstream(both, {false, false}, 1500, random) == 1u);
  // Every eligible upstream tried: the backed-off one is still asked rather than giving up.
  CHECK(choose_upstream(both, {false, true}, 1500, random) == 0u);
  dead.record_failure(2000, 1500);
  CHECK(dead.backoff_until_ms() == 4000);  // doubled
  dead.record_reply(4100, 10);
  CHECK_FALSE(dead.is_backed_off(4100));
}

TEST_CASE("THREATS rule 1: source ports cover the configured range uniformly") {
  testing::SeededRandom random(4);
  std::set<uint16_t> seen;
  std::map<int, int> buckets;
  for (int i = 0; i < 20000; ++i) {
    const uint16_t port = draw_source_port(random, 1024, 65535);
    CHECK(port >= 1024);
    seen.insert(port);
    ++buckets[(port - 1024) * 8 / 64512];
  }
  CHECK(seen.size() > 14000);
  for (auto [bucket, count] : buckets) CHECK(count > 2200);  // 2500 expected in each of 8
  CHECK(draw_source_port(random, 40000, 40000) == 40000);
}

TEST_CASE("an upstream marked down is backed off at once, and longer each time") {
  UpstreamHealth health;
  health.mark_down(1000);
  CHECK(health.is_backed_off(1000));
  CHECK(health.backoff_until_ms() == 2000);
  health.mark_down(2000);
  CHECK(health.backoff_until_ms() == 4000);
  health.record_reply(5000, 20);
  CHECK_FALSE(health.is_backed_off(5000));
}
