#include "cache/message_cache.h"

#include <doctest/doctest.h>

#include "tests/support/test_messages.h"

using namespace vigil;

namespace {

std::vector<uint8_t> message(ldns_pkt_rcode rcode, std::initializer_list<const char*> answer,
                             std::initializer_list<const char*> authority = {}) {
  return testing::test_message(rcode, answer, authority);
}

uint32_t first_ttl(const std::vector<uint8_t>& wire) {
  ldns_pkt* parsed = nullptr;
  REQUIRE(ldns_wire2pkt(&parsed, wire.data(), wire.size()) == LDNS_STATUS_OK);
  const dns::LdnsPkt packet(parsed);
  return ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(packet.get()), 0));
}

}  // namespace

TEST_CASE("RFC 1035 3.2.1: an answer is kept for its smallest TTL, and TTLs count down") {
  auto wire = message(LDNS_RCODE_NOERROR, {"www.example.test. 300 IN A 192.0.2.1",
                                           "www.example.test. 120 IN A 192.0.2.2"});
  CHECK(cache::cache_ttl(wire) == 120u);
  const auto offsets = cache::ttl_offsets(wire);
  CHECK(offsets.size() == 2);
  cache::age_ttls(wire, offsets, 50);
  CHECK(first_ttl(wire) == 250);
  cache::age_ttls(wire, offsets, 1000);  // never below 0
  CHECK(first_ttl(wire) == 0);
  cache::set_ttls(wire, 30);
  CHECK(first_ttl(wire) == 30);
}

TEST_CASE("RFC 2308 5: a negative answer lives min(SOA TTL, SOA minimum), capped") {
  const auto nxdomain = message(LDNS_RCODE_NXDOMAIN, {},
                                {"example.test. 3600 IN SOA ns. host. 1 2 3 4 900"});
  CHECK(cache::cache_ttl(nxdomain) == 900u);
  const auto long_negative = message(LDNS_RCODE_NXDOMAIN, {},
                                     {"example.test. 86400 IN SOA ns. host. 1 2 3 4 86400"});
  CHECK(cache::cache_ttl(long_negative) == cache::CacheLimits{}.max_negative_ttl);
  // Without an SOA a negative answer says nothing about how long it holds: not cached.
  CHECK(cache::cache_ttl(message(LDNS_RCODE_NXDOMAIN, {})) == 0u);
}

TEST_CASE("THREATS rule 13: TTLs are clamped to a day") {
  CHECK(cache::cache_ttl(message(LDNS_RCODE_NOERROR,
                                 {"www.example.test. 604800 IN A 192.0.2.1"})) == 86400u);
}

TEST_CASE("THREATS rule 13: the operator's TTL clamps apply") {
  const cache::CacheLimits limits{1 << 20, 60, 600, 30};
  CHECK(cache::cache_ttl(message(LDNS_RCODE_NOERROR, {"www.example.test. 5 IN A 192.0.2.1"}),
                         limits) == 60u);
  CHECK(cache::cache_ttl(message(LDNS_RCODE_NOERROR, {"www.example.test. 9000 IN A 192.0.2.1"}),
                         limits) == 600u);
  CHECK(cache::cache_ttl(message(LDNS_RCODE_NXDOMAIN, {},
                                 {"example.test. 3600 IN SOA ns. host. 1 2 3 4 900"}),
                         limits) == 30u);
}
