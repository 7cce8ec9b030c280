#include "cache/answer_cache.h"

#include <doctest/doctest.h>

#include "cache/question_key.h"
#include "tests/support/test_messages.h"

using namespace vigil;
using cache::Security;

namespace {

// An answer for the question "www.example.test. A" (the test message's question).
std::vector<uint8_t> answer(std::initializer_list<const char*> records) {
  return testing::test_message(LDNS_RCODE_NOERROR, records);
}

// Functions, not globals: the test helpers use doctest's assertions, which need a running test.
std::vector<uint8_t> www() { return testing::wire_name("www.example.test."); }
std::string www_key() { return cache::question_key(0, www(), 1, 1); }

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("An answer is cached with its RRsets and found again by its question") {
  cache::AnswerCache cache;
  const auto result = cache.store(www_key(), 0, www(), answer({"www.example.test. 300 IN A 192.0.2.1"}),
                                  Security::Secure, 0, "u1");
  CHECK(result.stored);
  CHECK(result.refused.empty());
  CHECK(cache.find(www_key(), 1000) != nullptr);
  CHECK(cache.rrsets().size() == 1);
  const auto dump = cache.dump(1000);
  CHECK(mentions(dump, "; rrset www.example.test. A security=secure trust=answer"));
  CHECK(mentions(dump, "; answer www.example.test. A NOERROR security=secure"));
}

TEST_CASE("THREATS rule 9: records injected along a chain never replace the exact answer") {
  cache::AnswerCache cache;
  cache.store(www_key(), 0, www(), answer({"www.example.test. 300 IN A 192.0.2.1"}),
              Security::Unchecked, 0, "u1");
  // Another question's answer whose chain ends in www.example.test with another address.
  const auto evil = testing::wire_name("evil.example.test.");
  const std::string evil_key = cache::question_key(0, evil, 1, 1);
  const auto result = cache.store(evil_key, 0, evil,
                                  answer({"evil.example.test. 300 IN CNAME www.example.test.",
                                          "www.example.test. 300 IN A 203.0.113.66"}),
                                  Security::Unchecked, 1000, "u1");
  CHECK_FALSE(result.stored);
  REQUIRE(result.refused.size() == 1);
  CHECK(result.refused[0].key == www_key());
  CHECK(result.refused[0].offered_trust == cache::Trust::Chain);
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
  cache.flush(www(), false);
  cache.store(www_key(), 0, www(), answer({"www.example.test. 300 IN A 192.0.2.1"}),
              Security::Secure, 0, "u1");
  const auto result = cache.store(www_key(), 0, www(),
                                  answer({"www.example.test. 300 IN A 203.0.113.66"}),
                                  Security::Unchecked, 100'000, "u2");
  CHECK_FALSE(result.stored);
  CHECK(result.refused.at(0).standing->security == Security::Secure);
  const auto* hit = cache.find(www_key(), 100'000);
  REQUIRE(hit != nullptr);
  CHECK(hit->security == Security::Secure);
  CHECK_FALSE(mentions(cache.dump(100'000), "203.0.113.66"));
}

TEST_CASE("An exact answer replaces chain data and retires the answers built on it") {
  cache::AnswerCache cache;
  const auto evil = testing::wire_name("evil.example.test.");
  const std::string evil_key = cache::question_key(0, evil, 1, 1);
  CHECK(cache.store(evil_key, 0, evil,
                    answer({"evil.example.test. 300 IN CNAME www.example.test.",
                            "www.example.test. 300 IN A 203.0.113.66"}),
                    Security::Unchecked, 0, "u1")
            .stored);
  CHECK(cache.store(www_key(), 0, www(), answer({"www.example.test. 300 IN A 192.0.2.1"}),
                    Security::Unchecked, 1000, "u1")
            .stored);
  CHECK(cache.find(evil_key, 2000) == nullptr);  // asked upstream again next time
  CHECK_FALSE(mentions(cache.dump(2000), "203.0.113.66"));
}

TEST_CASE("Half the byte budget for answers, half for RRsets; 0 caches nothing") {
  cache::CacheLimits limits;
  limits.max_bytes = 0;
  cache::AnswerCache none(limits);
  CHECK_FALSE(none.store(www_key(), 0, www(), answer({"www.example.test. 300 IN A 192.0.2.1"}),
                         Security::Secure, 0, "u1")
                  .stored);
  limits.max_bytes = 1 << 20;
  cache::AnswerCache cache(limits);
  for (int i = 0; i < 5000; ++i) {
    const std::string key = cache::question_key(static_cast<uint64_t>(i), www(), 1, 1);
    cache.store(key, static_cast<uint64_t>(i), www(),
                answer({"www.example.test. 300 IN A 192.0.2.1"}), Security::Secure, 0, "u1");
  }
  CHECK(cache.messages().bytes() <= limits.max_bytes / 2);
  CHECK(cache.rrsets().bytes() <= limits.max_bytes / 2);
  CHECK(cache.evictions() > 0);
}
