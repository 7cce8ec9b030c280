#include "dns/dnssec_records.h"

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <tuple>

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

namespace {

// Each record of the answer and authority sections as text (owners lower-cased), via ldns.
std::vector<std::string> record_texts(const std::vector<uint8_t>& wire) {
  ldns_pkt* parsed = nullptr;
  REQUIRE(ldns_wire2pkt(&parsed, wire.data(), wire.size()) == LDNS_STATUS_OK);
  const LdnsPkt packet(parsed);
  std::vector<std::string> texts;
  for (const ldns_rr_list* list : {ldns_pkt_answer(packet.get()), ldns_pkt_authority(packet.get()),
                                   ldns_pkt_additional(packet.get())}) {
    for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
      ldns_rr* rr = ldns_rr_clone(ldns_rr_list_rr(list, i));
      ldns_dname2canonical(ldns_rr_owner(rr));
      char* text = ldns_rr2str(rr);
      texts.emplace_back(text);
      free(text);  // NOLINT: ldns allocates with malloc
      ldns_rr_free(rr);
    }
    texts.emplace_back("--");
  }
  texts.push_back(ldns_pkt_edns(packet.get()) ? "edns" : "no edns");
  return texts;
}

// What a DO=0 client must see, computed the slow way: every record but RRSIG/NSEC/NSEC3 (other
// than the queried type) in the answer and authority sections.
std::vector<std::string> expected_texts(const std::vector<uint8_t>& wire, uint16_t qtype) {
  std::vector<std::string> texts;
  bool in_additional = false;
  int sections = 0;
  for (const auto& text : record_texts(wire)) {
    if (text == "--") in_additional = ++sections == 2;
    const bool dnssec = text.find("\tRRSIG\t") != std::string::npos ||
                        text.find("\tNSEC\t") != std::string::npos ||
                        text.find("\tNSEC3\t") != std::string::npos;
    const bool asked = (qtype == rrtype::RRSIG && text.find("\tRRSIG\t") != std::string::npos) ||
                       (qtype == rrtype::NSEC && text.find("\tNSEC\t") != std::string::npos);
    if (dnssec && !asked && !in_additional && text != "--") continue;
    texts.push_back(text);
  }
  return texts;
}

// A wire message: header (QR, one question www.example.test/A), then `records` as given.
std::vector<uint8_t> handmade(uint16_t ancount, uint16_t nscount,
                              std::initializer_list<std::initializer_list<uint8_t>> records) {
  std::vector<uint8_t> wire = {0, 1, 0x81, 0x80, 0, 1};
  append_u16(wire, ancount);
  append_u16(wire, nscount);
  append_u16(wire, 0);
  const uint8_t question[] = {3,   'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l',
                              'e', 4,   't', 'e', 's', 't', 0, 0,   1,   0,   1};
  wire.insert(wire.end(), std::begin(question), std::end(question));
  for (const auto& record : records) wire.insert(wire.end(), record.begin(), record.end());
  return wire;
}

}  // namespace

TEST_CASE("RFC 4035 3.2.1: the DO=0 form copied on the wire holds what ldns would keep") {
  const char* const answers[] = {kA, "www.example.test. 300 IN A 192.0.2.2", kRrsig,
                                 "www.example.test. 300 IN CNAME x.example.test.",
                                 "www.example.test. 300 IN MX 10 mail.example.test."};
  const char* const authorities[] = {kSoa, kNsec,
                                     "example.test. 300 IN RRSIG SOA 13 2 300 20270101000000 "
                                     "20260101000000 10693 example.test. AAAA",
                                     "example.test. 300 IN NS ns.example.test.",
                                     "abc.example.test. 300 IN NSEC3 1 0 0 - "
                                     "2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG"};
  unsigned seed = 7;
  const auto next = [&seed] { return seed = seed * 1103515245 + 12345, (seed >> 16) & 0x7fff; };
  for (int round = 0; round < 300; ++round) {
    const LdnsPkt packet(ldns_pkt_new());
    ldns_pkt_set_qr(packet.get(), true);
    if (next() % 2 == 0) ldns_pkt_set_edns_udp_size(packet.get(), 1232);
    ldns_rr* question = nullptr;
    REQUIRE(ldns_rr_new_question_frm_str(&question, "www.example.test. IN A", nullptr, nullptr) ==
            LDNS_STATUS_OK);
    ldns_pkt_push_rr(packet.get(), LDNS_SECTION_QUESTION, question);
    for (const auto& [section, pool, size] :
         {std::tuple{LDNS_SECTION_ANSWER, answers, std::size(answers)},
          std::tuple{LDNS_SECTION_AUTHORITY, authorities, std::size(authorities)},
          std::tuple{LDNS_SECTION_ADDITIONAL, answers, std::size_t{2}}}) {
      const unsigned count = next() % 5;
      for (unsigned i = 0; i < count; ++i) {
        ldns_rr* rr = nullptr;
        REQUIRE(ldns_rr_new_frm_str(&rr, pool[next() % size], 300, nullptr, nullptr) ==
                LDNS_STATUS_OK);
        ldns_pkt_push_rr(packet.get(), section, rr);
      }
    }
    const auto wire = packet_wire(packet.get()).value();
    for (const uint16_t qtype : {rrtype::A, rrtype::RRSIG, rrtype::NSEC}) {
      const auto stripped = without_dnssec_records(wire, qtype);
      REQUIRE_FALSE(stripped.empty());
      CHECK(parse_message(stripped).ok());
      CHECK(record_texts(stripped) == expected_texts(wire, qtype));
    }
  }
}

TEST_CASE("RFC 1035 4.1.4: a kept record whose name points into a dropped one is re-rendered") {
  // www A; www RRSIG A (signer example.test. at offset 80); then the SOA, owned by a pointer to
  // that signer name, with its names pointing there too.
  const auto wire = handmade(2, 1, {
      {0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 1},
      {0xc0, 12, 0, 46, 0, 1, 0, 0, 1, 44, 0, 36, 0, 1, 13, 3, 0, 0, 1, 44, 0x6b, 0x9a, 0x1f, 0x00,
       0x67, 0x92, 0x31, 0x00, 0x29, 0xc5, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's',
       't', 0, 1, 2, 3, 4},
      {0xc0, 80, 0, 6, 0, 1, 0, 0, 1, 44, 0, 29, 2, 'n', 's', 0xc0, 80, 1, 'h', 0xc0, 80, 0, 0, 0,
       1, 0, 0, 28, 32, 0, 0, 14, 16, 0, 18, 117, 0, 0, 0, 1, 44}});
  REQUIRE(parse_message(wire).ok());
  REQUIRE(record_texts(wire).size() == 7);  // the handmade message is what it claims to be
  const auto stripped = without_dnssec_records(wire, rrtype::A);
  REQUIRE_FALSE(stripped.empty());
  CHECK(record_texts(stripped) == expected_texts(wire, rrtype::A));
  CHECK(record_texts(stripped)[2].starts_with("example.test."));
}
