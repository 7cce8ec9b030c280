#include "cache/message_cache.h"

#include <doctest/doctest.h>

#include "cache/answer_rrsets.h"
#include "cache/question_key.h"
#include "dns/name.h"
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
  const ldns_rr_list* list = ldns_pkt_answer(packet.get());
  if (ldns_rr_list_rr_count(list) == 0) list = ldns_pkt_authority(packet.get());
  return ldns_rr_ttl(ldns_rr_list_rr(list, 0));
}

// The answer's wire form with its TTLs counted down as a client would get it at `now_ms`.
std::vector<uint8_t> aged(const cache::CachedAnswer& answer, uint64_t now_ms) {
  auto wire = answer.wire;
  cache::age_ttls(wire, answer.ttl_offsets, answer.age_seconds(now_ms));
  return wire;
}

}  // namespace

TEST_CASE("RFC 1035 3.2.1: an answer is cached for its smallest TTL, and TTLs count down") {
  cache::MessageCache cache;
  const auto wire = message(LDNS_RCODE_NOERROR, {"www.example.test. 300 IN A 192.0.2.1",
                                                 "www.example.test. 120 IN A 192.0.2.2"});
  CHECK(cache::cache_ttl(wire) == 120u);
  cache.store("k", wire, cache::Security::Secure, 1'000'000);
  const auto* hit = cache.find("k", 1'000'000 + 50'500);
  REQUIRE(hit != nullptr);
  CHECK(hit->security == cache::Security::Secure);
  CHECK(first_ttl(aged(*hit, 1'000'000 + 50'500)) == 250);  // 300 - 50 s
  CHECK(cache.find("k", 1'000'000 + 120'000) == nullptr);
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
  cache::MessageCache cache;
  cache.store("none", message(LDNS_RCODE_NXDOMAIN, {}), cache::Security::Insecure, 0);
  CHECK(cache.size() == 0);
}

TEST_CASE("THREATS rule 13: TTLs are clamped to a day") {
  CHECK(cache::cache_ttl(message(LDNS_RCODE_NOERROR,
                                 {"www.example.test. 604800 IN A 192.0.2.1"})) == 86400u);
}

TEST_CASE("The byte budget holds: unvisited answers go first (SIEVE), hot ones stay") {
  cache::MessageCache cache;
  const auto wire = message(LDNS_RCODE_NOERROR, {"www.example.test. 300 IN A 192.0.2.1"});
  cache.store("probe", wire, cache::Security::Unchecked, 0);
  const std::size_t per_entry = cache.bytes();
  cache.set_limits(cache::CacheLimits{}, per_entry * 3 + per_entry / 2);  // room for three
  cache.store("hot", wire, cache::Security::Unchecked, 0);
  cache.store("warm", wire, cache::Security::Unchecked, 0);
  CHECK(cache.find("hot", 1000) != nullptr);
  for (int i = 0; i < 20; ++i) {  // a scan of one-time questions
    cache.store("scan" + std::to_string(100 + i), wire, cache::Security::Unchecked, 0);
    CHECK(cache.bytes() <= per_entry * 3 + per_entry / 2);
    CHECK(cache.find("hot", 1000) != nullptr);  // hit again each round: never evicted
  }
  CHECK(cache.size() == 3);
  CHECK(cache.find("warm", 1000) == nullptr);
  CHECK(cache.find("probe", 1000) == nullptr);
  CHECK(cache.evictions() == 20);
}

TEST_CASE("An answer whose RRset was replaced or evicted is no longer used") {
  cache::MessageCache cache;
  cache::RRsetCache rrsets;
  const auto wire = message(LDNS_RCODE_NOERROR, {"www.example.test. 300 IN A 192.0.2.1"});
  const auto qname = testing::wire_name("www.example.test.");
  auto parts = cache::answer_rrsets(wire, 0, qname);
  REQUIRE(parts.has_value());
  REQUIRE(parts->size() == 1);
  auto offered = rrsets.offer((*parts)[0], cache::Security::Unchecked, 300, "u1", 0);
  cache.store("k", wire, cache::Security::Unchecked, 0, "u1", {offered.standing});
  CHECK(cache.find("k", 1000) != nullptr);
  rrsets.clear();  // as eviction or replacement would
  CHECK(cache.find("k", 1000) == nullptr);
  CHECK(cache.size() == 0);
}

TEST_CASE("THREATS rule 6: an upstream under attack loses its unvalidated answers") {
  cache::MessageCache cache;
  const auto wire = message(LDNS_RCODE_NOERROR, {"www.example.test. 300 IN A 192.0.2.1"});
  cache.store("secure", wire, cache::Security::Secure, 0, "u1");
  cache.store("unchecked", wire, cache::Security::Unchecked, 0, "u1");
  cache.store("insecure", wire, cache::Security::Insecure, 0, "u1");
  cache.store("other", wire, cache::Security::Unchecked, 0, "u2");
  CHECK(cache.flush_unvalidated_from("u1") == 2);
  CHECK(cache.find("secure", 0) != nullptr);
  CHECK(cache.find("other", 0) != nullptr);
  CHECK(cache.find("unchecked", 0) == nullptr);
  CHECK(cache.find("insecure", 0) == nullptr);
}

TEST_CASE("RFC 8767: only validated or insecure answers are served stale, for a bounded time") {
  cache::MessageCache cache;
  const auto wire = message(LDNS_RCODE_NOERROR, {"www.example.test. 60 IN A 192.0.2.1"});
  cache.store("secure", wire, cache::Security::Secure, 0);
  cache.store("unchecked", wire, cache::Security::Unchecked, 0);
  CHECK_FALSE(cache.find_stale("secure", 30'000).has_value());  // not expired yet
  CHECK(cache.find("secure", 61'000) == nullptr);                // expired for normal use
  const auto stale = cache.find_stale("secure", 61'000);
  REQUIRE(stale.has_value());
  CHECK(first_ttl(stale->wire) == 30);
  CHECK_FALSE(cache.find_stale("unchecked", 61'000).has_value());  // THREATS rule 13
  CHECK_FALSE(cache.find_stale("secure", 60'000 + 3600'000 + 1));
}

TEST_CASE("RFC 8767 5: the operator bounds serve-stale, or turns it off") {
  cache::CacheLimits limits;
  limits.stale_max_seconds = 10;
  limits.stale_ttl = 7;
  cache::MessageCache cache(limits);
  cache.set_limits(limits, limits.max_bytes);
  const auto wire = message(LDNS_RCODE_NOERROR, {"www.example.test. 60 IN A 192.0.2.1"});
  cache.store("secure", wire, cache::Security::Secure, 0);
  const auto stale = cache.find_stale("secure", 65'000);
  REQUIRE(stale.has_value());
  CHECK(first_ttl(stale->wire) == 7);
  CHECK_FALSE(cache.find_stale("secure", 70'001).has_value());
  limits.stale_max_seconds = 0;
  cache.set_limits(limits, limits.max_bytes);
  CHECK_FALSE(cache.find_stale("secure", 60'001).has_value());
}

TEST_CASE("THREATS rule 13: the operator's TTL clamps apply; a size of 0 caches nothing") {
  const cache::CacheLimits limits{1 << 20, 60, 600, 30};
  CHECK(cache::cache_ttl(message(LDNS_RCODE_NOERROR, {"www.example.test. 5 IN A 192.0.2.1"}),
                         limits) == 60u);
  CHECK(cache::cache_ttl(message(LDNS_RCODE_NOERROR, {"www.example.test. 9000 IN A 192.0.2.1"}),
                         limits) == 600u);
  CHECK(cache::cache_ttl(message(LDNS_RCODE_NXDOMAIN, {},
                                 {"example.test. 3600 IN SOA ns. host. 1 2 3 4 900"}),
                         limits) == 30u);
  cache::MessageCache none;
  none.set_limits(cache::CacheLimits{}, 0);
  none.store("k", message(LDNS_RCODE_NOERROR, {"www.example.test. 300 IN A 192.0.2.1"}),
             cache::Security::Secure, 0);
  CHECK(none.size() == 0);
}

TEST_CASE("The control tool's listing: dump, lookup by name and type, flush by name or subtree") {
  cache::MessageCache cache;
  const auto a = message(LDNS_RCODE_NOERROR, {"www.example.test. 300 IN A 192.0.2.1"});
  const auto aaaa = message(LDNS_RCODE_NOERROR, {"www.example.test. 300 IN AAAA 2001:db8::1"});
  const auto other = message(LDNS_RCODE_NOERROR, {"api.other.test. 300 IN A 192.0.2.9"});
  const auto name = [](const char* text) { return *dns::from_text(text); };
  const auto www = name("www.example.test.");
  const auto api = name("api.other.test.");
  cache.store(cache::question_key(0, www.view(), 1, 1), a, cache::Security::Secure, 0, "up1");
  cache.store(cache::question_key(0, www.view(), 28, 1), aaaa, cache::Security::Unchecked, 0);
  cache.store(cache::question_key(0, api.view(), 1, 1), other, cache::Security::Insecure, 0);

  const auto dump = cache.dump(100'000);
  CHECK(dump.size() == 6);
  const auto found = cache.lookup(name("WWW.example.test.").view(), 1, 100'000);
  REQUIRE(found.size() == 2);
  CHECK(found[0] == "; answer www.example.test. A NOERROR security=secure upstream=up1 ttl=200");
  CHECK(found[1].find("192.0.2.1") != std::string::npos);
  CHECK(found[1].find("\t200\t") != std::string::npos);  // counted down like an answer
  CHECK(cache.lookup(www.view(), 0, 100'000).size() == 4);
  CHECK(cache.dump(400'000).empty());  // expired entries are not listed

  CHECK(cache.flush(name("example.test.").view(), false) == 0);
  CHECK(cache.flush(name("example.test.").view(), true) == 2);
  CHECK(cache.size() == 1);
  CHECK(cache.flush(api.view(), false) == 1);
  CHECK(cache.size() == 0);
}

TEST_CASE("an unsigned answer keeps no plain form; a signed one keeps one without its RRSIGs") {
  cache::MessageCache cache;
  cache.store("plain", message(LDNS_RCODE_NOERROR, {"www.example.test. 300 IN A 192.0.2.1"}),
              cache::Security::Insecure, 0);
  const auto* unsigned_hit = cache.find("plain", 1000);
  REQUIRE(unsigned_hit != nullptr);
  CHECK(unsigned_hit->plain_form == nullptr);
  CHECK(unsigned_hit->plain()->empty());  // client_answer then serves `wire` to every client
  CHECK(unsigned_hit->plain_layout() == nullptr);
  const auto layout = unsigned_hit->layout();
  REQUIRE(layout.question);
  CHECK(layout.question->qtype == dns::rrtype::A);
  CHECK(layout.end == unsigned_hit->wire.size());

  cache.store("signed",
              message(LDNS_RCODE_NOERROR,
                      {"www.example.test. 300 IN A 192.0.2.1",
                       "www.example.test. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 "
                       "1234 example.test. AAAA"}),
              cache::Security::Secure, 0);
  const auto* signed_hit = cache.find("signed", 1000);
  REQUIRE(signed_hit != nullptr);
  REQUIRE(signed_hit->plain_form != nullptr);
  CHECK(signed_hit->plain()->size() < signed_hit->wire.size());
  REQUIRE(signed_hit->plain_layout() != nullptr);
  CHECK(signed_hit->plain_layout()->header.ancount == 1);
  CHECK(signed_hit->plain_ttl_offsets().size() == 1);
  // THREATS rule 13 / RFC 8767: a stale copy has its own plain form, at the stale TTL.
  const auto stale = cache.find_stale("signed", 301'000);
  REQUIRE(stale);
  REQUIRE(stale->plain_form != nullptr);
  CHECK(stale->plain_form != signed_hit->plain_form);
  CHECK(first_ttl(*stale->plain()) == cache::CacheLimits{}.stale_ttl);
}
