#include "cache/bogus_cache.h"
#include "cache/question_key.h"

#include <doctest/doctest.h>

#include <vector>

using namespace vigil;

TEST_CASE("RFC 9520 3.2: a validation failure is remembered for its TTL, per question") {
  cache::BogusCache cache;
  const std::vector<uint8_t> name = {3, 'W', 'w', 'W', 4, 't', 'e', 's', 't', 0};
  const std::vector<uint8_t> lower = {3, 'w', 'w', 'w', 4, 't', 'e', 's', 't', 0};
  const auto key = cache::question_key(7, name, 1, 1);
  CHECK(key == cache::question_key(7, lower, 1, 1));  // letter case does not matter
  CHECK(key != cache::question_key(8, lower, 1, 1));  // another upstream group
  CHECK(key != cache::question_key(7, lower, 28, 1));  // another type
  cache.store(key, {6, "bad signature"}, 1000, 60000);
  REQUIRE(cache.find(key, 60999).has_value());
  CHECK(cache.find(key, 60999)->ede == 6);
  CHECK_FALSE(cache.find(key, 61000).has_value());
}

TEST_CASE("the bogus cache stays bounded under a flood of names") {
  cache::BogusCache cache;
  for (uint64_t i = 0; i < cache::BogusCache::kMaxEntries + 10; ++i) {
    const std::vector<uint8_t> name = {2, static_cast<uint8_t>(i & 0xff),
                                       static_cast<uint8_t>((i >> 8) & 0xff), 0};
    cache.store(cache::question_key(1, name, 1, 1), {6, ""}, 0, 60000);
  }
  CHECK(cache.size() <= cache::BogusCache::kMaxEntries);
}
