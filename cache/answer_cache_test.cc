#include "cache/answer_cache.h"

#include <doctest/doctest.h>

#include "cache/question_key.h"
#include "cache/test_answers.h"
#include "dns/name.h"
#include "dns/types.h"

using namespace vigil;
using cache::Security;
using testing::answer_to;
using testing::key_of;

namespace {

// An answer for the question "www.example.test. A".
std::vector<uint8_t> answer(std::initializer_list<const char*> records) {
  return answer_to("www.example.test. IN A", LDNS_RCODE_NOERROR, records);
}

// Functions, not globals: the test helpers use doctest's assertions, which need a running test.
std::vector<uint8_t> www() { return testing::wire_name("www.example.test."); }
std::string www_key() { return key_of("www.example.test."); }

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

uint32_t first_ttl(dns::Bytes wire) {
  ldns_pkt* parsed = nullptr;
  REQUIRE(ldns_wire2pkt(&parsed, wire.data(), wire.size()) == LDNS_STATUS_OK);
  const dns::LdnsPkt packet(parsed);
  const ldns_rr_list* list = ldns_pkt_answer(packet.get());
  if (ldns_rr_list_rr_count(list) == 0) list = ldns_pkt_authority(packet.get());
  return ldns_rr_ttl(ldns_rr_list_rr(list, 0));
}

// The answer's wire form with its TTLs counted down as a client would get it at `now_ms`.
std::vector<uint8_t> aged(const cache::CachedAnswer& answer, uint64_t now_ms) {
  std::vector<uint8_t> wire(answer.wire().begin(), answer.wire().end());
  cache::age_ttls(wire, answer.ttl_offsets(), answer.age_seconds(now_ms));
  return wire;
}

// Stores an A answer for `name` (all of one length, so each costs the same).
bool store_a(cache::AnswerCache& cache, const std::string& name, Security security,
             uint64_t now_ms, const std::string& upstream = "u1") {
  const std::string question = name + " IN A";
  const std::string record = name + " 300 IN A 192.0.2.1";
  return cache
      .store(key_of(name.c_str()), 0, testing::wire_name(name.c_str()),
             answer_to(question.c_str(), LDNS_RCODE_NOERROR, {record.c_str()}), security, now_ms,
             upstream)
      .stored;
}

}  // namespace

TEST_CASE("An answer is cached with its RRsets and found again by its question") {
  cache::AnswerCache cache;
  const auto result = cache.store(www_key(), 0, www(), answer({"www.example.test. 300 IN A 192.0.2.1"}),
                                  Security::Secure, 0, "u1");
  CHECK(result.stored);
  CHECK(result.refused.empty());
  CHECK(cache.find(www_key(), 1000) != nullptr);
  // Without a key string, in any letter case.
  const auto upper = testing::wire_name("WWW.Example.TEST.");
  CHECK(cache.find(cache::Question{0, upper, 1, 1}, 1000) != nullptr);
  CHECK(cache.find(cache::Question{1, upper, 1, 1}, 1000) == nullptr);  // another group
  CHECK(cache.find(cache::Question{0, upper, 28, 1}, 1000) == nullptr);
  CHECK(cache.rrsets().size() == 1);
  const auto dump = cache.dump(1000);
  CHECK(mentions(dump, "; rrset www.example.test. A security=secure trust=answer"));
  CHECK(mentions(dump, "; answer www.example.test. A NOERROR security=secure"));
}

TEST_CASE("An answer is filed only under its own question") {
  cache::AnswerCache cache;
  CHECK_FALSE(cache.store(key_of("api.example.test."), 0, testing::wire_name("api.example.test."),
                          answer({"www.example.test. 300 IN A 192.0.2.1"}), Security::Secure, 0,
                          "u1")
                  .stored);
  CHECK(cache.size() == 0);
  CHECK(cache.rrsets().size() == 0);
}

TEST_CASE("RFC 1035 3.2.1: an answer is cached for its smallest TTL, and TTLs count down") {
  cache::AnswerCache cache;
  cache.store(www_key(), 0, www(),
              answer({"www.example.test. 300 IN A 192.0.2.1", "www.example.test. 120 IN A 192.0.2.2"}),
              Security::Secure, 1'000'000, "u1");
  const auto* hit = cache.find(www_key(), 1'000'000 + 50'500);
  REQUIRE(hit != nullptr);
  CHECK(hit->security == Security::Secure);
  CHECK(first_ttl(aged(*hit, 1'000'000 + 50'500)) == 250);  // 300 - 50 s
  CHECK(cache.find(www_key(), 1'000'000 + 120'000) == nullptr);
}

TEST_CASE("RFC 2308 5: a negative answer without SOA is not cached") {
  cache::AnswerCache cache;
  cache.store(www_key(), 0, www(), answer_to("www.example.test. IN A", LDNS_RCODE_NXDOMAIN, {}),
              Security::Insecure, 0, "u1");
  CHECK(cache.size() == 0);
  cache.store(www_key(), 0, www(),
              answer_to("www.example.test. IN A", LDNS_RCODE_NXDOMAIN, {},
                        {"example.test. 3600 IN SOA ns. host. 1 2 3 4 900"}),
              Security::Insecure, 0, "u1");
  REQUIRE(cache.size() == 1);
  CHECK(cache.find(www_key(), 899'000) != nullptr);
  CHECK(cache.find(www_key(), 900'000) == nullptr);
}

TEST_CASE("The byte budget holds: unvisited answers go first (SIEVE), hot ones stay") {
  cache::AnswerCache cache;
  store_a(cache, "prb.example.test.", Security::Unchecked, 0);
  const std::size_t per_entry = cache.bytes();
  CHECK(per_entry > 0);
  cache::CacheLimits limits;
  limits.max_bytes = per_entry * 3 + per_entry / 2;  // room for three
  cache.set_limits(limits);
  store_a(cache, "hot.example.test.", Security::Unchecked, 0);
  store_a(cache, "wrm.example.test.", Security::Unchecked, 0);
  CHECK(cache.find(key_of("hot.example.test."), 1000) != nullptr);
  for (int i = 0; i < 20; ++i) {  // a scan of one-time questions
    store_a(cache, "s" + std::to_string(10 + i) + ".example.test.", Security::Unchecked, 0);
    CHECK(cache.bytes() <= limits.max_bytes);
    CHECK(cache.find(key_of("hot.example.test."), 1000) != nullptr);  // hit each round: kept
  }
  CHECK(cache.size() <= 3);
  CHECK(cache.find(key_of("wrm.example.test."), 1000) == nullptr);
  CHECK(cache.find(key_of("prb.example.test."), 1000) == nullptr);
  CHECK(cache.evictions() >= 20);
}

TEST_CASE("The byte count follows what is allocated, and returns to 0") {
  cache::AnswerCache cache;
  for (int i = 0; i < 200; ++i) {
    store_a(cache, "n" + std::to_string(100 + i) + ".example.test.", Security::Secure, 0);
  }
  CHECK(cache.size() == 200);
  CHECK(cache.rrsets().size() == 200);
  // One block of 40 + 2 + 8 + 51 bytes (112 with malloc's header and rounding), the two table
  // entries: well under the 890 bytes of node-based tables.
  CHECK(cache.bytes() / 200 < 240);
  CHECK(cache.flush(testing::wire_name("example.test."), true) == 200);
  CHECK(cache.bytes() == 0);
}

TEST_CASE("THREATS rule 6: an upstream under attack loses its unvalidated answers") {
  cache::AnswerCache cache;
  store_a(cache, "sec.example.test.", Security::Secure, 0, "u1");
  store_a(cache, "unc.example.test.", Security::Unchecked, 0, "u1");
  store_a(cache, "ins.example.test.", Security::Insecure, 0, "u1");
  store_a(cache, "oth.example.test.", Security::Unchecked, 0, "u2");
  CHECK(cache.flush_unvalidated_from("u1") == 2);
  CHECK(cache.flush_unvalidated_from("nobody") == 0);
  CHECK(cache.find(key_of("sec.example.test."), 0) != nullptr);
  CHECK(cache.find(key_of("oth.example.test."), 0) != nullptr);
  CHECK(cache.find(key_of("unc.example.test."), 0) == nullptr);
  CHECK(cache.find(key_of("ins.example.test."), 0) == nullptr);
  CHECK(cache.rrsets().size() == 2);
}

TEST_CASE("RFC 8767: only validated or insecure answers are served stale, for a bounded time") {
  cache::AnswerCache cache;
  cache.store(www_key(), 0, www(), answer({"www.example.test. 60 IN A 192.0.2.1"}),
              Security::Secure, 0, "u1");
  const auto unchecked_key = key_of("www.example.test.", 1, 7);
  cache.store(unchecked_key, 7, www(), answer({"www.example.test. 60 IN A 192.0.2.1"}),
              Security::Unchecked, 0, "u1");
  CHECK_FALSE(cache.find_stale(www_key(), 30'000).has_value());  // not expired yet
  CHECK(cache.find(www_key(), 61'000) == nullptr);                // expired for normal use
  const auto stale = cache.find_stale(www_key(), 61'000);
  REQUIRE(stale.has_value());
  CHECK(first_ttl(stale->wire) == 30);
  CHECK(stale->security == Security::Secure);
  CHECK(stale->layout().header.ancount == 1);
  CHECK_FALSE(cache.find_stale(unchecked_key, 61'000).has_value());  // THREATS rule 13
  CHECK_FALSE(cache.find_stale(www_key(), 60'000 + 3600'000 + 1));
}

TEST_CASE("RFC 8767 5: the operator bounds serve-stale, or turns it off") {
  cache::CacheLimits limits;
  limits.stale_max_seconds = 10;
  limits.stale_ttl = 7;
  cache::AnswerCache cache(limits);
  cache.store(www_key(), 0, www(), answer({"www.example.test. 60 IN A 192.0.2.1"}),
              Security::Secure, 0, "u1");
  const auto stale = cache.find_stale(www_key(), 65'000);
  REQUIRE(stale.has_value());
  CHECK(first_ttl(stale->wire) == 7);
  CHECK_FALSE(cache.find_stale(www_key(), 70'001).has_value());
  limits.stale_max_seconds = 0;
  cache.set_limits(limits);
  CHECK_FALSE(cache.find_stale(www_key(), 60'001).has_value());
}

TEST_CASE("THREATS rule 13: the operator's TTL clamps apply to answers and RRsets") {
  cache::CacheLimits limits{1 << 20, 60, 600, 30};
  cache::AnswerCache cache(limits);
  cache.store(www_key(), 0, www(), answer({"www.example.test. 9000 IN A 192.0.2.1"}),
              Security::Secure, 0, "u1");
  CHECK(cache.find(www_key(), 599'000) != nullptr);
  CHECK(cache.find(www_key(), 600'000) == nullptr);
  CHECK(mentions(cache.dump(0), "trust=answer upstream=u1 ttl=600"));
}

TEST_CASE("The control tool's listing: dump, lookup by name and type, flush by name or subtree") {
  cache::AnswerCache cache;
  const auto a = answer({"www.example.test. 300 IN A 192.0.2.1"});
  const auto aaaa = answer_to("www.example.test. IN AAAA", LDNS_RCODE_NOERROR,
                              {"www.example.test. 300 IN AAAA 2001:db8::1"});
  const auto other = answer_to("api.other.test. IN A", LDNS_RCODE_NOERROR,
                               {"api.other.test. 300 IN A 192.0.2.9"});
  const auto name = [](const char* text) { return *dns::from_text(text); };
  const auto api = name("api.other.test.");
  cache.store(www_key(), 0, www(), a, Security::Secure, 0, "up1");
  cache.store(key_of("www.example.test.", 28), 0, www(), aaaa, Security::Unchecked, 0, "");
  cache.store(key_of("api.other.test."), 0, api.view(), other, Security::Insecure, 0, "");

  CHECK(cache.dump(100'000).size() == 12);  // 3 RRsets and 3 answers of 2 lines each
  const auto found = cache.lookup(name("WWW.example.test.").view(), 1, 100'000);
  REQUIRE(found.size() == 4);
  CHECK(found[0] == "; rrset www.example.test. A security=secure trust=answer upstream=up1 ttl=200");
  CHECK(found[1] == "www.example.test.\t200\tIN\tA\t192.0.2.1");
  CHECK(found[2] == "; answer www.example.test. A NOERROR security=secure upstream=up1 ttl=200");
  CHECK(found[3].find("192.0.2.1") != std::string::npos);
  CHECK(found[3].find("\t200\t") != std::string::npos);  // counted down like an answer
  CHECK(cache.lookup(www(), 0, 100'000).size() == 8);
  CHECK(mentions(cache.lookup(www(), 28, 100'000), "upstream=- ttl=200"));
  CHECK(cache.dump(400'000).empty());  // expired entries are not listed

  CHECK(cache.flush(name("example.test.").view(), false) == 0);
  CHECK(cache.flush(name("example.test.").view(), true) == 2);
  CHECK(cache.size() == 1);
  CHECK(cache.rrsets().size() == 1);
  CHECK(cache.flush(api.view(), false) == 1);
  CHECK(cache.size() == 0);
  CHECK(cache.rrsets().size() == 0);
}

TEST_CASE("An unsigned answer keeps no plain form; a signed one keeps one without its RRSIGs") {
  cache::AnswerCache cache;
  cache.store(www_key(), 0, www(), answer({"www.example.test. 300 IN A 192.0.2.1"}),
              Security::Insecure, 0, "u1");
  const auto* unsigned_hit = cache.find(www_key(), 1000);
  REQUIRE(unsigned_hit != nullptr);
  CHECK_FALSE(unsigned_hit->has_plain_form());
  CHECK(unsigned_hit->plain()->empty());  // client_answer then serves `wire` to every client
  CHECK(unsigned_hit->plain_layout() == nullptr);
  const auto layout = unsigned_hit->layout();
  REQUIRE(layout.question);
  CHECK(layout.question->qtype == dns::rrtype::A);
  CHECK(layout.end == unsigned_hit->wire().size());

  const auto signed_key = key_of("www.example.test.", 1, 3);
  cache.store(signed_key, 3, www(),
              answer({"www.example.test. 300 IN A 192.0.2.1",
                      "www.example.test. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 "
                      "1234 example.test. AAAA"}),
              Security::Secure, 0, "u1");
  const auto* signed_hit = cache.find(signed_key, 1000);
  REQUIRE(signed_hit != nullptr);
  REQUIRE(signed_hit->has_plain_form());
  CHECK(signed_hit->plain()->size() < signed_hit->wire().size());
  REQUIRE(signed_hit->plain_layout() != nullptr);
  CHECK(signed_hit->plain_layout()->header.ancount == 1);
  CHECK(signed_hit->plain_ttl_offsets().size() == 1);
  CHECK(signed_hit->ttl_offsets().size() == 2);
  // THREATS rule 13 / RFC 8767: a stale copy has its own plain form, at the stale TTL.
  const auto stale = cache.find_stale(signed_key, 301'000);
  REQUIRE(stale);
  REQUIRE(stale->plain_form != nullptr);
  CHECK(first_ttl(*stale->plain()) == cache::CacheLimits{}.stale_ttl);
  CHECK(stale->plain_layout()->header.ancount == 1);
}

TEST_CASE("THREATS rule 9: records injected along a chain never replace the exact answer") {
  cache::AnswerCache cache;
  cache.store(www_key(), 0, www(), answer({"www.example.test. 300 IN A 192.0.2.1"}),
              Security::Unchecked, 0, "u1");
  // Another question's answer whose chain ends in www.example.test with another address.
  const auto evil = testing::wire_name("evil.example.test.");
  const std::string evil_key = key_of("evil.example.test.");
  const auto result = cache.store(evil_key, 0, evil,
                                  answer_to("evil.example.test. IN A", LDNS_RCODE_NOERROR,
                                            {"evil.example.test. 300 IN CNAME www.example.test.",
                                             "www.example.test. 300 IN A 203.0.113.66"}),
                                  Security::Unchecked, 1000, "u1");
  CHECK_FALSE(result.stored);
  REQUIRE(result.refused.size() == 1);
  CHECK(result.refused[0].key == www_key());
  CHECK(result.refused[0].offered_trust == cache::Trust::Chain);
  CHECK(result.refused[0].standing.trust == cache::Trust::Answer);
  CHECK(result.refused[0].standing.upstream == "u1");
  CHECK(cache.find(evil_key, 2000) == nullptr);
  CHECK(cache.find(www_key(), 2000) != nullptr);
  const auto dump = cache.dump(2000);
  CHECK_FALSE(mentions(dump, "203.0.113.66"));
  CHECK(mentions(dump, "192.0.2.1"));
}

TEST_CASE("RFC 2181 5.4.1: a cached secure RRset is not replaced by an unsigned injection") {
  cache::AnswerCache cache;
  cache.store(www_key(), 0, www(), answer({"www.example.test. 300 IN A 192.0.2.1"}),
              Security::Secure, 0, "u1");
  // Even the answer to the exact question, once the message entry is gone, cannot replace it.
  const auto result = cache.store(www_key(), 0, www(),
                                  answer({"www.example.test. 300 IN A 203.0.113.66"}),
                                  Security::Unchecked, 100'000, "u2");
  CHECK_FALSE(result.stored);
  CHECK(result.refused.at(0).standing.security == Security::Secure);
  const auto* hit = cache.find(www_key(), 100'000);
  REQUIRE(hit != nullptr);
  CHECK(hit->security == Security::Secure);
  CHECK_FALSE(mentions(cache.dump(100'000), "203.0.113.66"));
}

TEST_CASE("An exact answer replaces chain data and retires the answers built on it") {
  cache::AnswerCache cache;
  const auto evil = testing::wire_name("evil.example.test.");
  const std::string evil_key = key_of("evil.example.test.");
  CHECK(cache.store(evil_key, 0, evil,
                    answer_to("evil.example.test. IN A", LDNS_RCODE_NOERROR,
                              {"evil.example.test. 300 IN CNAME www.example.test.",
                               "www.example.test. 300 IN A 203.0.113.66"}),
                    Security::Unchecked, 0, "u1")
            .stored);
  CHECK(cache.find(evil_key, 500) != nullptr);
  CHECK(cache.store(www_key(), 0, www(), answer({"www.example.test. 300 IN A 192.0.2.1"}),
                    Security::Unchecked, 1000, "u1")
            .stored);
  CHECK(cache.find(evil_key, 2000) == nullptr);  // asked upstream again next time
  CHECK_FALSE(mentions(cache.dump(2000), "203.0.113.66"));
}

TEST_CASE("One byte budget for answers and RRsets together; 0 caches nothing") {
  cache::CacheLimits limits;
  limits.max_bytes = 0;
  cache::AnswerCache none(limits);
  CHECK_FALSE(none.store(www_key(), 0, www(), answer({"www.example.test. 300 IN A 192.0.2.1"}),
                         Security::Secure, 0, "u1")
                  .stored);
  CHECK(none.size() == 0);
  limits.max_bytes = 1 << 18;
  cache::AnswerCache cache(limits);
  for (int i = 0; i < 5000; ++i) {
    const std::string key = key_of("www.example.test.", 1, static_cast<uint64_t>(i));
    cache.store(key, static_cast<uint64_t>(i), www(),
                answer({"www.example.test. 300 IN A 192.0.2.1"}), Security::Secure, 0, "u1");
    REQUIRE(cache.bytes() <= limits.max_bytes);
  }
  CHECK(cache.evictions() > 0);
  CHECK(cache.size() > 500);
  // Shrinking the budget evicts at once.
  limits.max_bytes = 1 << 14;
  cache.set_limits(limits);
  CHECK(cache.bytes() <= limits.max_bytes);
  cache.clear();
  CHECK(cache.bytes() == 0);
  CHECK(cache.size() == 0);
}
