#include "cache/rrset_cache.h"

#include <doctest/doctest.h>

#include "cache/answer_cache.h"
#include "cache/test_answers.h"

using namespace vigil;
using cache::Security;
using cache::Trust;
using testing::answer_to;
using testing::key_of;

namespace {

std::vector<uint8_t> www() { return testing::wire_name("www.example.test."); }

// The exact answer to "www.example.test. A": one address.
cache::StoreResult store_www(cache::AnswerCache& cache, const char* address, Security security,
                             uint64_t now_ms, const std::string& upstream = "u1") {
  const std::string record = std::string("www.example.test. 300 IN A ") + address;
  return cache.store(key_of("www.example.test."), 0, www(),
                     answer_to("www.example.test. IN A", LDNS_RCODE_NOERROR, {record.c_str()}),
                     security, now_ms, upstream);
}

// The answer to "alias.example.test. A", a CNAME to www.example.test. and its address: chain
// data for www.example.test.
cache::StoreResult store_alias(cache::AnswerCache& cache, const char* address, Security security,
                               uint64_t now_ms, const std::string& upstream = "u1") {
  const std::string record = std::string("www.example.test. 300 IN A ") + address;
  return cache.store(key_of("alias.example.test."), 0, testing::wire_name("alias.example.test."),
                     answer_to("alias.example.test. IN A", LDNS_RCODE_NOERROR,
                               {"alias.example.test. 300 IN CNAME www.example.test.",
                                record.c_str()}),
                     security, now_ms, upstream);
}

// The RRset line of www.example.test. A and its one record.
std::vector<std::string> www_rrset(const cache::AnswerCache& cache, uint64_t now_ms) {
  auto lines = cache.lookup(www(), 1, now_ms);
  if (lines.size() > 2) lines.resize(2);  // the answer's lines come after the RRset's
  return lines;
}

bool holds(const cache::AnswerCache& cache, const char* address, uint64_t now_ms) {
  const auto lines = www_rrset(cache, now_ms);
  return lines.size() == 2 && lines[1].ends_with(std::string("\t") + address);
}

}  // namespace

TEST_CASE("An answer is split into RRsets: RRSIGs go with what they cover; chain data ranks lower") {
  const auto wire = answer_to(
      "www.example.test. IN A", LDNS_RCODE_NOERROR,
      {"www.example.test. 300 IN CNAME web.other.test.",
       "web.other.test. 60 IN A 192.0.2.1",
       "www.example.test. 300 IN RRSIG CNAME 13 3 200 20300101000000 20200101000000 1 "
       "example.test. AAAA",
       "web.other.test. 120 IN A 192.0.2.2"});
  const auto rrsets = cache::answer_rrsets(wire, testing::wire_name("WWW.example.test."));
  REQUIRE(rrsets.has_value());
  REQUIRE(rrsets->size() == 2);
  CHECK((*rrsets)[0].trust == Trust::Answer);
  CHECK((*rrsets)[0].type == 5);
  CHECK((*rrsets)[0].owner.view().size() == www().size());
  CHECK((*rrsets)[1].trust == Trust::Chain);
  CHECK((*rrsets)[1].ttl == 60);
  const auto cname = cache::rrset_records(wire, (*rrsets)[0].offset);
  REQUIRE(cname.size() == 2);
  CHECK(cname[0].type == 5);
  CHECK(cname[1].type == 46);  // the RRSIG after the data
  CHECK(cache::rrset_records(wire, (*rrsets)[1].offset).size() == 2);
  // The same data in another order and letter case has the same RDATA set.
  const auto again = answer_to("www.example.test. IN A", LDNS_RCODE_NOERROR,
                               {"www.example.test. 300 IN CNAME WEB.other.test.",
                                "web.other.test. 60 IN A 192.0.2.2",
                                "web.other.test. 60 IN A 192.0.2.1"});
  const auto again_sets = cache::answer_rrsets(again, www());
  REQUIRE(again_sets.has_value());
  CHECK(cache::has_same_rdata(wire, (*rrsets)[0].offset, again, (*again_sets)[0].offset));
  CHECK(cache::has_same_rdata(wire, (*rrsets)[1].offset, again, (*again_sets)[1].offset));
  // Letter case is folded in names only: 192.0.2.65 ('A') is not 192.0.2.97 ('a').
  const auto upper = answer_to("www.example.test. IN A", LDNS_RCODE_NOERROR,
                               {"www.example.test. 300 IN A 192.0.2.65"});
  const auto lower = answer_to("www.example.test. IN A", LDNS_RCODE_NOERROR,
                               {"www.example.test. 300 IN A 192.0.2.97"});
  CHECK_FALSE(cache::has_same_rdata(upper, (*cache::answer_rrsets(upper, www()))[0].offset, lower,
                                    (*cache::answer_rrsets(lower, www()))[0].offset));
}

TEST_CASE("Compressed names are read through their pointers; loops are malformed") {
  // Header, question www.example.test. A IN, then a name that points back into the question.
  std::vector<uint8_t> wire{0, 0, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  const auto qname = testing::wire_name("WWW.example.test.");
  wire.insert(wire.end(), qname.begin(), qname.end());
  wire.insert(wire.end(), {0, 1, 0, 1});
  const std::size_t label = wire.size();
  wire.insert(wire.end(), {3, 'a', 'P', 'i', 0xc0, 16});  // api + pointer to "example.test."
  dns::WireName name;
  const auto end = cache::read_name(wire, label, name);
  REQUIRE(end.has_value());
  CHECK(*end == label + 6);
  CHECK(dns::to_text(name.view()) == "api.example.test.");
  const std::size_t loop = wire.size();
  wire.insert(wire.end(), {0xc0, static_cast<uint8_t>(loop)});  // points at itself
  CHECK_FALSE(cache::read_name(wire, loop, name).has_value());
  wire.push_back(0xc0);  // a pointer cut short
  CHECK_FALSE(cache::read_name(wire, wire.size() - 1, name).has_value());
}

TEST_CASE("RFC 2181 5.4.1: secure data is not replaced by unchecked data") {
  cache::AnswerCache cache;
  CHECK(store_www(cache, "192.0.2.1", Security::Secure, 0).stored);
  const auto injected = store_www(cache, "203.0.113.66", Security::Unchecked, 200'000);
  CHECK_FALSE(injected.stored);
  REQUIRE(injected.refused.size() == 1);
  CHECK(injected.refused[0].standing.security == Security::Secure);
  CHECK(holds(cache, "192.0.2.1", 200'000));
  // Insecure (proven unsigned) still ranks below secure.
  CHECK_FALSE(store_www(cache, "203.0.113.66", Security::Insecure, 200'000).stored);
}

TEST_CASE("RFC 2181 5.4.1: the answer to the exact question beats data learned along a chain") {
  cache::AnswerCache cache;
  CHECK(store_www(cache, "192.0.2.1", Security::Unchecked, 0).stored);
  CHECK_FALSE(store_alias(cache, "203.0.113.66", Security::Unchecked, 250'000).stored);
  CHECK(holds(cache, "192.0.2.1", 250'000));
  // The other way round: chain data gives way to the exact answer at once, lock or not.
  cache::AnswerCache other;
  CHECK(store_alias(other, "203.0.113.66", Security::Unchecked, 0).stored);
  CHECK(other.find(key_of("alias.example.test."), 500) != nullptr);
  CHECK(store_www(other, "192.0.2.1", Security::Unchecked, 1000).stored);
  // Answers built on the chain copy are not used again.
  CHECK(other.find(key_of("alias.example.test."), 1000) == nullptr);
  CHECK(holds(other, "192.0.2.1", 1000));
}

TEST_CASE("Locked TTL: a different copy of equal rank waits until the lock runs out") {
  cache::CacheLimits limits;
  limits.locked_ttl_percent = 50;
  cache::AnswerCache cache(limits);
  CHECK(store_www(cache, "192.0.2.1", Security::Unchecked, 0).stored);
  CHECK(www_rrset(cache, 1000).at(0).ends_with(" locked"));
  CHECK_FALSE(store_www(cache, "192.0.2.9", Security::Unchecked, 149'000).stored);  // 50 % of 300 s
  CHECK(store_www(cache, "192.0.2.9", Security::Unchecked, 150'000).stored);
  CHECK(holds(cache, "192.0.2.9", 150'000));
  // Without a lock the newer copy of the same rank wins at once.
  limits.locked_ttl_percent = 0;
  cache::AnswerCache unlocked(limits);
  store_www(unlocked, "192.0.2.1", Security::Unchecked, 0);
  CHECK(store_www(unlocked, "192.0.2.9", Security::Unchecked, 1).stored);
}

TEST_CASE("The same data is refreshed in place; an expired copy is simply replaced") {
  cache::AnswerCache cache;
  CHECK(store_www(cache, "192.0.2.1", Security::Unchecked, 0, "u1").stored);
  // The same address learned along a chain, validated: it ranks higher and refreshes the RRset,
  // and the answer built on it stays in use.
  CHECK(store_alias(cache, "192.0.2.1", Security::Secure, 10'000, "u2").stored);
  CHECK(cache.find(key_of("www.example.test."), 11'000) != nullptr);
  CHECK(www_rrset(cache, 11'000).at(0).starts_with(
      "; rrset www.example.test. A security=secure trust=chain upstream=u2 ttl=299"));
  CHECK(cache.rrsets().size() == 2);  // www A and the alias's CNAME
  // Once expired (300 s after the refresh), another copy takes its place.
  CHECK(store_www(cache, "192.0.2.7", Security::Unchecked, 310'001).stored);
  CHECK(holds(cache, "192.0.2.7", 310'001));
}

TEST_CASE("RFC 2181 5.4.1: a lower-ranked copy of the same data leaves the cached one as it is") {
  cache::AnswerCache cache;
  CHECK(store_www(cache, "192.0.2.1", Security::Secure, 0, "u1").stored);
  CHECK(store_alias(cache, "192.0.2.1", Security::Unchecked, 10'000, "u2").stored);
  CHECK(www_rrset(cache, 11'000).at(0).starts_with(
      "; rrset www.example.test. A security=secure trust=answer upstream=u1 ttl=289"));
  CHECK(cache.find(key_of("alias.example.test."), 11'000) != nullptr);
}

TEST_CASE("Evicted RRsets retire the answers built on them") {
  cache::AnswerCache cache;
  store_www(cache, "192.0.2.1", Security::Unchecked, 0);
  const std::size_t one = cache.bytes();
  cache::CacheLimits limits;
  limits.max_bytes = one * 2 + one / 2;
  cache.set_limits(limits);
  for (int i = 0; i < 10; ++i) {
    const auto group = static_cast<uint64_t>(i) + 1;
    cache.store(key_of("www.example.test.", 1, group), group, www(),
                answer_to("www.example.test. IN A", LDNS_RCODE_NOERROR,
                          {"www.example.test. 300 IN A 192.0.2.1"}),
                Security::Unchecked, 0, "u");
    CHECK(cache.bytes() <= limits.max_bytes);
  }
  CHECK(cache.rrsets().size() <= 3);
  CHECK(cache.evictions() >= 15);
  CHECK(cache.find(key_of("www.example.test."), 1000) == nullptr);
  // Every answer still listed is built on RRsets still cached.
  for (uint64_t group = 1; group <= 10; ++group) {
    if (const auto* hit = cache.find(key_of("www.example.test.", 1, group), 1000)) {
      CHECK(cache.rrsets().get(hit->rrset(0)) != nullptr);
    }
  }
}

TEST_CASE("RRset listing and flush for the control tool") {
  cache::AnswerCache cache;
  store_www(cache, "192.0.2.1", Security::Secure, 0);
  const auto lines = www_rrset(cache, 100'000);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] ==
        "; rrset www.example.test. A security=secure trust=answer upstream=u1 ttl=200");
  CHECK(lines[1] == "www.example.test.\t200\tIN\tA\t192.0.2.1");
  CHECK(cache.flush(testing::wire_name("example.test."), true) == 1);
  CHECK(cache.dump(100'000).empty());
  CHECK(cache.rrsets().size() == 0);
}
