#include "dns/dnssec_records.h"

#include <doctest/doctest.h>

#include <initializer_list>

#include "dns/ldns_ptr.h"
#include "dns/ldns_wire.h"
#include "dns/message.h"

using namespace vigil::dns;

namespace {

// A reply to www.example.test/A with `answer` and `authority` records (presentation form).
std::vector<uint8_t> reply(std::initializer_list<const char*> answer,
                           std::initializer_list<const char*> authority = {}) {
  const LdnsPkt packet(ldns_pkt_new());
  ldns_pkt_set_qr(packet.get(), true);
  ldns_rr* question = nullptr;
  REQUIRE(ldns_rr_new_question_frm_str(&question, "www.example.test. IN A", nullptr, nullptr) == LDNS_STATUS_OK);
  ldns_pkt_push_rr(packet.get(), LDNS_SECTION_QUESTION, question);
  for (const auto& [section, texts] : {std::pair{LDNS_SECTION_ANSWER, answer},
                                       std::pair{LDNS_SECTION_AUTHORITY, authority}}) {
    for (const char* text : texts) {
      ldns_rr* rr = nullptr;
      REQUIRE(ldns_rr_new_frm_str(&rr, text, 300, nullptr, nullptr) == LDNS_STATUS_OK);
      ldns_pkt_push_rr(packet.get(), section, rr);
    }
  }
  return packet_wire(packet.get()).value();
}

constexpr const char* kA = "www.example.test. 300 IN A 192.0.2.1";
constexpr const char* kRrsig =
    "www.example.test. 300 IN RRSIG A 13 3 300 20270101000000 20260101000000 10693 "
    "example.test. AAAA";
constexpr const char* kSoa = "example.test. 300 IN SOA ns.example.test. h.example.test. 1 2 3 4 5";
constexpr const char* kNsec = "example.test. 300 IN NSEC z.example.test. A SOA RRSIG NSEC";

}  // namespace

TEST_CASE("RFC 4035 3.2.1: an answer without RRSIG/NSEC/NSEC3 goes to a DO=0 client unchanged") {
  const auto plain = reply({kA});
  CHECK_FALSE(has_dnssec_records(plain, rrtype::A));
  CHECK(without_dnssec_records(plain, rrtype::A) == plain);
  const auto negative = reply({}, {kSoa});
  CHECK_FALSE(has_dnssec_records(negative, rrtype::A));
}

TEST_CASE("RFC 4035 3.2.1: RRSIG and NSEC records are found in the answer and authority sections") {
  const auto signed_answer = reply({kA, kRrsig});
  CHECK(has_dnssec_records(signed_answer, rrtype::A));
  const auto stripped = without_dnssec_records(signed_answer, rrtype::A);
  CHECK_FALSE(has_dnssec_records(stripped, rrtype::A));
  CHECK(parse_message(stripped).layout.header.ancount == 1);
  CHECK(has_dnssec_records(reply({}, {kSoa, kNsec}), rrtype::A));
  // Asked for explicitly, they are the answer, not DNSSEC records to drop.
  CHECK_FALSE(has_dnssec_records(reply({}, {kNsec}), rrtype::NSEC));
  // What does not parse is left to the full renderer.
  CHECK(has_dnssec_records(std::vector<uint8_t>{0, 1, 2}, rrtype::A));
}
