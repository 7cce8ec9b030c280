// An answer that is one RRset whose key is its question is kept in that RRset's entry (no entry
// of its own in the answer table): it goes with the entry, whatever happens to it.
#include <doctest/doctest.h>

#include "cache/answer_cache.h"
#include "cache/test_answers.h"

using namespace vigil;
using cache::Security;
using testing::answer_to;
using testing::key_of;

namespace {

std::vector<uint8_t> www() { return testing::wire_name("www.example.test."); }
std::string www_key() { return key_of("www.example.test."); }

std::vector<uint8_t> www_a(const char* record) {
  return answer_to("www.example.test. IN A", LDNS_RCODE_NOERROR, {record});
}

bool store_www(cache::AnswerCache& cache, const char* record, Security security, uint64_t now_ms) {
  return cache.store(www_key(), 0, www(), www_a(record), security, now_ms, "u1").stored;
}

// "alias.example.test. A": a CNAME to www.example.test and its A record.
bool store_alias(cache::AnswerCache& cache, const char* address_record, Security security,
                 uint64_t now_ms) {
  return cache
      .store(key_of("alias.example.test."), 0, testing::wire_name("alias.example.test."),
             answer_to("alias.example.test. IN A", LDNS_RCODE_NOERROR,
                       {"alias.example.test. 300 IN CNAME www.example.test.", address_record}),
             security, now_ms, "u1")
      .stored;
}

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

constexpr std::size_t kRRsetEntry = cache::CompactTable<cache::CachedRRset>::kEntryBytes;
constexpr std::size_t kAnswerEntry = cache::CompactTable<cache::AnswerRef>::kEntryBytes;

}  // namespace

TEST_CASE("A single-RRset answer shares its RRset's entry, and is listed as both") {
  cache::AnswerCache cache;
  CHECK(store_www(cache, "www.example.test. 300 IN A 192.0.2.1", Security::Secure, 0));
  CHECK(cache.size() == 1);
  CHECK(cache.rrsets().size() == 1);
  const auto* hit = cache.find(cache::Question{0, testing::wire_name("WWW.example.test."), 1, 1}, 1000);
  REQUIRE(hit != nullptr);
  CHECK(cache.bytes() == hit->allocated_bytes() + kRRsetEntry);  // no answer entry
  CHECK(cache.find(cache::Question{0, www(), 28, 1}, 1000) == nullptr);
  CHECK(cache.find(cache::Question{1, www(), 1, 1}, 1000) == nullptr);
  const auto listed = cache.lookup(www(), 1, 1000);
  CHECK(mentions(listed, "; rrset www.example.test. A security=secure trust=answer"));
  CHECK(mentions(listed, "; answer www.example.test. A NOERROR security=secure"));
}

TEST_CASE("A CNAME chain's answer keeps its own entry, its RRsets theirs") {
  cache::AnswerCache cache;
  CHECK(store_alias(cache, "www.example.test. 300 IN A 192.0.2.1", Security::Unchecked, 0));
  const auto* alias = cache.find(key_of("alias.example.test."), 1000);
  REQUIRE(alias != nullptr);
  CHECK(cache.size() == 1);
  CHECK(cache.rrsets().size() == 2);
  CHECK(cache.bytes() == alias->allocated_bytes() + kAnswerEntry + 2 * kRRsetEntry);
  // The exact answer with the same data refreshes the chain's A RRset in place and now holds
  // it: the chain's answer stays current.
  CHECK(store_www(cache, "www.example.test. 300 IN A 192.0.2.1", Security::Unchecked, 2000));
  CHECK(cache.size() == 2);
  CHECK(cache.rrsets().size() == 2);
  CHECK(cache.find(key_of("alias.example.test."), 3000) != nullptr);
  CHECK(cache.find(www_key(), 3000) != nullptr);
  CHECK(cache.flush(www(), false) == 1);  // the www answer and its RRset: the chain is not current
  CHECK(cache.find(key_of("alias.example.test."), 3000) == nullptr);
}

TEST_CASE("RFC 2181 5.4.1: a higher-ranked copy of its RRset replaces the answer with it") {
  cache::AnswerCache cache;
  CHECK(store_www(cache, "www.example.test. 300 IN A 192.0.2.1", Security::Unchecked, 0));
  // A validated chain outranks an unchecked exact answer.
  CHECK(store_alias(cache, "www.example.test. 300 IN A 192.0.2.2", Security::Secure, 1000));
  CHECK(cache.find(www_key(), 2000) == nullptr);
  CHECK(cache.size() == 1);
  CHECK(cache.rrsets().size() == 2);
  CHECK_FALSE(mentions(cache.dump(2000), "; answer www.example.test."));
  // The exact answer with the standing data is cached again, in the entry.
  CHECK(store_www(cache, "www.example.test. 300 IN A 192.0.2.2", Security::Secure, 3000));
  CHECK(cache.size() == 2);
  CHECK(cache.rrsets().size() == 2);
  // A different copy for the exact question that ranks lower is refused; the answer stands.
  CHECK_FALSE(store_www(cache, "www.example.test. 300 IN A 203.0.113.66", Security::Unchecked, 4000));
  const auto* hit = cache.find(www_key(), 5000);
  REQUIRE(hit != nullptr);
  CHECK(hit->security == Security::Secure);
}

TEST_CASE("A refreshed answer moves into the entry; a lower-ranked same copy takes an entry") {
  cache::AnswerCache cache;
  CHECK(store_www(cache, "www.example.test. 300 IN A 192.0.2.1", Security::Secure, 0));
  CHECK(store_www(cache, "www.example.test. 300 IN A 192.0.2.1", Security::Secure, 100'000));
  CHECK(cache.size() == 1);
  CHECK(cache.rrsets().size() == 1);
  const auto* hit = cache.find(www_key(), 350'000);  // past the first answer's expiry
  REQUIRE(hit != nullptr);
  CHECK(hit->stored_ms == 100'000);
  CHECK(cache.bytes() == hit->allocated_bytes() + kRRsetEntry);
  // The same data, unchecked: the secure RRset stands, the new answer is the one answered.
  CHECK(store_www(cache, "www.example.test. 300 IN A 192.0.2.1", Security::Unchecked, 200'000));
  CHECK(cache.size() == 1);
  hit = cache.find(www_key(), 201'000);
  REQUIRE(hit != nullptr);
  CHECK(hit->security == Security::Unchecked);
  CHECK(cache.rrsets().size() == 1);
}

TEST_CASE("An answer in its RRset's entry is evicted, flushed and served stale with it") {
  cache::AnswerCache cache;
  CHECK(store_www(cache, "www.example.test. 60 IN A 192.0.2.1", Security::Secure, 0));
  CHECK(cache.find(www_key(), 61'000) == nullptr);
  const auto stale = cache.find_stale(www_key(), 61'000);
  REQUIRE(stale.has_value());
  CHECK(stale->security == Security::Secure);
  // Past the stale window the answer is dropped; its RRset entry is left to expiry or eviction.
  CHECK_FALSE(cache.find_stale(www_key(), 60'000 + 3600'000 + 1).has_value());
  CHECK(cache.find(www_key(), 60'000 + 3600'000 + 1) == nullptr);
  CHECK(cache.size() == 0);

  CHECK(store_www(cache, "www.example.test. 300 IN A 192.0.2.1", Security::Unchecked, 0));
  CHECK(cache.flush_unvalidated_from("u1") == 1);
  CHECK(cache.size() == 0);
  CHECK(store_www(cache, "www.example.test. 300 IN A 192.0.2.1", Security::Secure, 0));
  CHECK(cache.flush_unvalidated_from("u1") == 0);
  CHECK(cache.flush(testing::wire_name("example.test."), true) == 1);
  CHECK(cache.size() == 0);
  CHECK(cache.rrsets().size() == 0);
  CHECK(cache.bytes() == 0);

  cache::CacheLimits limits;
  CHECK(store_www(cache, "www.example.test. 300 IN A 192.0.2.1", Security::Secure, 0));
  limits.max_bytes = cache.bytes() * 3;
  cache.set_limits(limits);
  for (int i = 0; i < 10; ++i) {
    const std::string name = "n" + std::to_string(i) + ".example.test.";
    const std::string question = name + " IN A";
    const std::string record = name + " 300 IN A 192.0.2.1";
    cache.store(key_of(name.c_str()), 0, testing::wire_name(name.c_str()),
                answer_to(question.c_str(), LDNS_RCODE_NOERROR, {record.c_str()}),
                Security::Secure, 0, "u1");
    CHECK(cache.bytes() <= limits.max_bytes);
    CHECK(cache.size() == cache.rrsets().size());
  }
  CHECK(cache.evictions() > 0);
  CHECK(cache.find(www_key(), 1000) == nullptr);
  CHECK_FALSE(mentions(cache.dump(1000), "www.example.test."));
}

TEST_CASE("An answer displaced by a refresh of its RRset stays when the new one is refused") {
  cache::AnswerCache cache;
  CHECK(cache.store(key_of("other.example.test."), 0, testing::wire_name("other.example.test."),
                    answer_to("other.example.test. IN A", LDNS_RCODE_NOERROR,
                              {"other.example.test. 300 IN A 192.0.2.9"}),
                    Security::Secure, 0, "u1")
            .stored);
  CHECK(store_www(cache, "www.example.test. 300 IN A 192.0.2.1", Security::Secure, 0));
  // Its own RRset is refreshed in place, but another RRset of the reply is refused.
  const auto result = cache.store(
      www_key(), 0, www(),
      answer_to("www.example.test. IN A", LDNS_RCODE_NOERROR,
                {"www.example.test. 300 IN A 192.0.2.1", "other.example.test. 300 IN A 203.0.113.66"}),
      Security::Secure, 1000, "u1");
  CHECK_FALSE(result.stored);
  CHECK(cache.size() == 2);
  const auto* hit = cache.find(www_key(), 2000);
  REQUIRE(hit != nullptr);
  CHECK(hit->stored_ms == 0);
  CHECK(cache.find(key_of("other.example.test."), 2000) != nullptr);
}
