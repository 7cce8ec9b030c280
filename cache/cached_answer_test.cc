#include "cache/cached_answer.h"

#include <doctest/doctest.h>

#include "cache/message_cache.h"
#include "cache/test_answers.h"
#include "dns/dnssec_records.h"

using namespace vigil;

namespace {

cache::AnswerRef make(const std::vector<uint8_t>& wire, std::span<const cache::EntryRef> rrsets,
                      cache::ByteLedger& ledger, bool with_plain = false) {
  const auto parsed = dns::parse_message(wire);
  REQUIRE(parsed.ok());
  const auto packed = dns::pack_layout(parsed.layout);
  REQUIRE(packed.has_value());
  const auto offsets = cache::ttl_offsets(wire);
  cache::AnswerParts parts{wire, *packed, offsets, rrsets, {}, 5000, 300,
                           cache::Security::Secure, 3, 9};
  if (with_plain) parts.plain_wire = dns::without_dnssec_records(wire, 1);
  return cache::CachedAnswer::create(parts, ledger);
}

}  // namespace

TEST_CASE("An answer's block gives back what it was made of") {
  cache::ByteLedger ledger;
  const auto wire = testing::answer_to("Www.Example.test. IN A", LDNS_RCODE_NOERROR,
                                       {"www.example.test. 300 IN A 192.0.2.1",
                                        "www.example.test. 300 IN A 192.0.2.2"});
  const std::vector<cache::EntryRef> rrsets{{7, 1}, {123456, 0xdeadbeef}};
  {
    auto answer = make(wire, rrsets, ledger);
    REQUIRE(answer);
    CHECK(std::equal(answer->wire().begin(), answer->wire().end(), wire.begin(), wire.end()));
    CHECK(answer->layout().header.ancount == 2);
    CHECK(answer->layout().end == wire.size());
    const auto offsets = cache::ttl_offsets(wire);
    CHECK(std::equal(answer->ttl_offsets().begin(), answer->ttl_offsets().end(), offsets.begin(),
                     offsets.end()));
    REQUIRE(answer->rrset_count() == 2);
    CHECK(answer->rrset(1).index == 123456);
    CHECK(answer->rrset(1).generation == 0xdeadbeef);
    answer.set_rrset(0, cache::EntryRef{8, 2});
    CHECK(answer->rrset(0).index == 8);
    CHECK(dns::to_text(answer->qname()) == "Www.Example.test.");
    CHECK(answer->qtype() == 1);
    CHECK(answer->qclass() == 1);
    CHECK(answer->expires_ms() == 5000 + 300'000);
    CHECK(answer->age_seconds(7999) == 2);
    CHECK(answer->upstream == 3);
    CHECK(answer->group == 9);
    CHECK_FALSE(answer->has_plain_form());
    // One heap block, counted as malloc counts it.
    CHECK(ledger.bytes == cache::heap_block_bytes(sizeof(cache::CachedAnswer) + 2 * sizeof(uint16_t) +
                                                  2 * sizeof(cache::EntryRef) + wire.size()));
    CHECK(ledger.bytes == answer->allocated_bytes());
    const cache::AnswerRef copy = answer;  // shared, not copied
    CHECK(copy.get() == answer.get());
    answer = {};
    CHECK(ledger.bytes == copy->allocated_bytes());
  }
  CHECK(ledger.bytes == 0);
}

TEST_CASE("A signed answer's block carries its plain form; the header stays 40 bytes") {
  static_assert(sizeof(cache::CachedAnswer) == 40);
  cache::ByteLedger ledger;
  const auto wire = testing::answer_to(
      "www.example.test. IN A", LDNS_RCODE_NOERROR,
      {"www.example.test. 300 IN A 192.0.2.1",
       "www.example.test. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 1234 "
       "example.test. AAAA"});
  {
    const auto answer = make(wire, {}, ledger, true);
    REQUIRE(answer);
    REQUIRE(answer->has_plain_form());
    CHECK(answer->rrset_count() == 0);
    CHECK(answer->plain()->size() < wire.size());
    CHECK(answer->plain_layout()->header.ancount == 1);
    CHECK(answer->plain_ttl_offsets().size() == 1);
    CHECK(std::equal(answer->wire().begin(), answer->wire().end(), wire.begin(), wire.end()));
    CHECK(ledger.bytes == answer->allocated_bytes());
    CHECK(ledger.bytes > cache::heap_block_bytes(sizeof(cache::CachedAnswer) + wire.size()));
  }
  CHECK(ledger.bytes == 0);
}

TEST_CASE("malloc's view of a request: an 8-byte header, rounded to 16, 32 at least") {
  CHECK(cache::heap_block_bytes(1) == 32);
  CHECK(cache::heap_block_bytes(24) == 32);
  CHECK(cache::heap_block_bytes(25) == 48);
  CHECK(cache::heap_block_bytes(120) == 128);
  CHECK(cache::heap_block_bytes(121) == 144);
}

TEST_CASE("The block keeps a few offsets of the layout and reads the rest from the wire form") {
  cache::ByteLedger ledger;
  // As NSD answers: one question, an A record with a compressed owner, an OPT record.
  std::vector<uint8_t> wire{0x12, 0x34, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 1};
  const auto qname = testing::wire_name("h7.plain.bench.");
  wire.insert(wire.end(), qname.begin(), qname.end());
  wire.insert(wire.end(), {0, 1, 0, 1, 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 10, 0, 0, 7,
                           0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 4, 0, 10, 0, 0});
  const auto parsed = dns::parse_message(wire);
  REQUIRE(parsed.ok());
  REQUIRE(parsed.layout.edns);
  const auto answer = make(wire, {}, ledger);
  REQUIRE(answer);
  const auto layout = answer->layout();
  CHECK(layout.question_end == parsed.layout.question_end);
  CHECK(layout.additional_start == parsed.layout.additional_start);
  CHECK(layout.opt_offset == parsed.layout.opt_offset);
  CHECK(layout.opt_end == parsed.layout.opt_end);
  CHECK(layout.end == parsed.layout.end);
  REQUIRE(layout.edns);
  CHECK(layout.edns->udp_size == 1232);
  CHECK(layout.edns->dnssec_ok);
  CHECK(layout.edns->options.size() == 4);
}
