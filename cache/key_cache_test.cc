#include "cache/key_cache.h"

#include <doctest/doctest.h>

using namespace vigil;

namespace {
validator::ZoneFact fact(validator::ZoneState state, uint32_t ttl) {
  return validator::ZoneFact{state, nullptr, validator::Verdict::secure(), ttl};
}
}  // namespace

TEST_CASE("RFC 4035 4.5: proven zone facts are kept for their TTL, then forgotten") {
  cache::KeyCache cache;
  validator::ZoneFacts learned;
  learned["example.test."] = fact(validator::ZoneState::Secure, 300);
  learned["insecure.test."] = fact(validator::ZoneState::Insecure, 60);
  learned["zero.test."] = fact(validator::ZoneState::Secure, 0);
  cache.store(learned, 1000);
  CHECK(cache.facts(1000).size() == 2);  // a TTL of 0 is not kept
  CHECK(cache.facts(1059).count("insecure.test.") == 1);
  CHECK(cache.facts(1060).count("insecure.test.") == 0);
  CHECK(cache.facts(1299).count("example.test.") == 1);
  CHECK(cache.facts(1300).empty());
}

TEST_CASE("a fact is kept at most a day, and the cache can be cleared") {
  cache::KeyCache cache;
  validator::ZoneFacts learned;
  learned["a.test."] = fact(validator::ZoneState::Secure, 7 * 86400);
  cache.store(learned, 0);
  CHECK(cache.facts(86399).size() == 1);
  CHECK(cache.facts(86400).empty());
  cache.store(learned, 0);
  cache.clear();
  CHECK(cache.facts(0).empty());
}
