#include "cache/rrset_cache.h"

#include <doctest/doctest.h>

#include "cache/question_key.h"
#include "tests/support/test_messages.h"

using namespace vigil;
using cache::Offer;
using cache::Security;
using cache::Trust;

namespace {

// The RRsets of an answer to "www.example.test. A" made of `records`.
std::vector<cache::AnswerRRset> rrsets_of(std::initializer_list<const char*> records) {
  const auto wire = testing::test_message(LDNS_RCODE_NOERROR, records);
  auto rrsets = cache::answer_rrsets(wire, 0, testing::wire_name("www.example.test."));
  REQUIRE(rrsets.has_value());
  return *rrsets;
}

cache::AnswerRRset www_a(const char* address, Trust trust = Trust::Answer) {
  const std::string record = std::string("www.example.test. 300 IN A ") + address;
  auto rrset = rrsets_of({record.c_str()}).at(0);
  rrset.trust = trust;
  return rrset;
}

std::string address_of(const cache::CachedRRset& rrset) {
  const auto& records = rrset.rrset.records;
  REQUIRE(records.size() >= 4);
  return std::to_string(records[records.size() - 4]) + "." +
         std::to_string(records[records.size() - 3]) + "." +
         std::to_string(records[records.size() - 2]) + "." +
         std::to_string(records[records.size() - 1]);
}

}  // namespace

TEST_CASE("An answer is split into RRsets: RRSIGs go with what they cover; chain data ranks lower") {
  const auto rrsets = rrsets_of(
      {"www.example.test. 300 IN CNAME web.other.test.",
       "www.example.test. 300 IN RRSIG CNAME 13 3 300 20300101000000 20200101000000 1 "
       "example.test. AAAA",
       "web.other.test. 60 IN A 192.0.2.1", "web.other.test. 120 IN A 192.0.2.2"});
  REQUIRE(rrsets.size() == 2);
  CHECK(rrsets[0].trust == Trust::Answer);
  CHECK(rrsets[0].key == cache::question_key(0, testing::wire_name("www.example.test."), 5, 1));
  CHECK(rrsets[1].trust == Trust::Chain);
  CHECK(rrsets[1].ttl == 60);
  // The same data in another order and letter case has the same fingerprint.
  const auto again = rrsets_of({"www.example.test. 300 IN CNAME WEB.other.test.",
                                "web.other.test. 60 IN A 192.0.2.2",
                                "web.other.test. 60 IN A 192.0.2.1"});
  CHECK(again[0].fingerprint == rrsets[0].fingerprint);
  CHECK(again[1].fingerprint == rrsets[1].fingerprint);
}

TEST_CASE("RFC 2181 5.4.1: secure data is not replaced by unchecked data") {
  cache::RRsetCache cache;
  CHECK(cache.offer(www_a("192.0.2.1"), Security::Secure, 300, "u1", 0).outcome == Offer::Stored);
  const auto injected = cache.offer(www_a("203.0.113.66"), Security::Unchecked, 300, "u1", 200'000);
  CHECK(injected.outcome == Offer::Refused);
  CHECK(address_of(*injected.standing) == "192.0.2.1");
  CHECK(address_of(*cache.find(www_a("1.1.1.1").key, 200'000)) == "192.0.2.1");
  // Insecure (proven unsigned) still ranks below secure.
  CHECK(cache.offer(www_a("203.0.113.66"), Security::Insecure, 300, "u1", 200'000).outcome ==
        Offer::Refused);
}

TEST_CASE("RFC 2181 5.4.1: the answer to the exact question beats data learned along a chain") {
  cache::RRsetCache cache;
  CHECK(cache.offer(www_a("192.0.2.1"), Security::Unchecked, 300, "u1", 0).outcome ==
        Offer::Stored);
  CHECK(cache.offer(www_a("203.0.113.66", Trust::Chain), Security::Unchecked, 300, "u1", 250'000)
            .outcome == Offer::Refused);
  // The other way round: chain data gives way to the exact answer at once, lock or not.
  cache::RRsetCache other;
  auto chain = other.offer(www_a("203.0.113.66", Trust::Chain), Security::Unchecked, 300, "u1", 0);
  auto exact = other.offer(www_a("192.0.2.1"), Security::Unchecked, 300, "u1", 1000);
  CHECK(exact.outcome == Offer::Stored);
  CHECK_FALSE(chain.standing->current);  // answers built on the chain copy are not used again
  CHECK(address_of(*other.find(www_a("1.1.1.1").key, 1000)) == "192.0.2.1");
}

TEST_CASE("Locked TTL: a different copy of equal rank waits until the lock runs out") {
  cache::RRsetCache cache(cache::RRsetLimits{1 << 20, 50});
  CHECK(cache.offer(www_a("192.0.2.1"), Security::Unchecked, 300, "u1", 0).outcome ==
        Offer::Stored);
  CHECK(cache.offer(www_a("192.0.2.9"), Security::Unchecked, 300, "u1", 149'000).outcome ==
        Offer::Refused);  // within 50 % of 300 s
  CHECK(cache.offer(www_a("192.0.2.9"), Security::Unchecked, 300, "u1", 150'000).outcome ==
        Offer::Stored);
  // Without a lock the newer copy of the same rank wins at once.
  cache::RRsetCache unlocked(cache::RRsetLimits{1 << 20, 0});
  unlocked.offer(www_a("192.0.2.1"), Security::Unchecked, 300, "u1", 0);
  CHECK(unlocked.offer(www_a("192.0.2.9"), Security::Unchecked, 300, "u1", 1).outcome ==
        Offer::Stored);
}

TEST_CASE("The same data is refreshed in place; an expired copy is simply replaced") {
  cache::RRsetCache cache;
  const auto first = cache.offer(www_a("192.0.2.1"), Security::Unchecked, 300, "u1", 0);
  const auto again = cache.offer(www_a("192.0.2.1"), Security::Secure, 300, "u2", 10'000);
  CHECK(again.outcome == Offer::Same);
  CHECK(again.standing == first.standing);
  CHECK(again.standing->current);
  CHECK(again.standing->security == Security::Secure);
  CHECK(cache.offer(www_a("192.0.2.7"), Security::Unchecked, 300, "u1", 310'001).outcome ==
        Offer::Stored);
  CHECK(cache.size() == 1);
}

TEST_CASE("The RRset cache keeps to its byte budget; evicted RRsets are marked") {
  cache::RRsetCache cache;
  const auto probe = cache.offer(www_a("192.0.2.1"), Security::Unchecked, 300, "u", 0);
  const std::size_t per_entry = cache.bytes();
  cache.set_limits(cache::RRsetLimits{per_entry * 2, 10});
  std::vector<std::shared_ptr<const cache::CachedRRset>> kept;
  for (int i = 0; i < 10; ++i) {
    auto rrset = www_a("192.0.2.1");
    rrset.key = cache::question_key(static_cast<uint64_t>(i) + 1,
                                    testing::wire_name("www.example.test."), 1, 1);
    kept.push_back(cache.offer(rrset, Security::Unchecked, 300, "u", 0).standing);
    CHECK(cache.bytes() <= per_entry * 2);
  }
  CHECK(cache.size() == 2);
  CHECK(cache.evictions() == 9);
  CHECK_FALSE(probe.standing->current);
  CHECK(kept.back()->current);
}

TEST_CASE("RRset listing and flush for the control tool") {
  cache::RRsetCache cache;
  cache.offer(www_a("192.0.2.1"), Security::Secure, 300, "u1", 0);
  const auto lines = cache.lookup(testing::wire_name("www.example.test."), 1, 100'000);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] ==
        "; rrset www.example.test. A security=secure trust=answer upstream=u1 ttl=200");
  CHECK(lines[1] == "www.example.test.\t200\tIN\tA\t192.0.2.1");
  CHECK(cache.dump(100'000) == lines);
  CHECK(cache.flush(testing::wire_name("example.test."), true) == 1);
  CHECK(cache.dump(100'000).empty());
}
