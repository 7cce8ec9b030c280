// DNS messages for unit tests, written as records in presentation form.
#pragma once

#include <doctest/doctest.h>

#include <initializer_list>
#include <vector>

#include "dns/ldns_ptr.h"
#include "dns/ldns_wire.h"
#include "dns/name.h"

namespace vigil::testing {

// A response to `question` ("www.example.test. IN A") with `rcode` and these records.
inline std::vector<uint8_t> answer_to(const char* question, ldns_pkt_rcode rcode,
                                      std::initializer_list<const char*> answer,
                                      std::initializer_list<const char*> authority = {}) {
  dns::LdnsPkt packet(ldns_pkt_new());
  ldns_pkt_set_qr(packet.get(), true);
  ldns_pkt_set_rcode(packet.get(), rcode);
  ldns_rr* asked = nullptr;
  REQUIRE(ldns_rr_new_question_frm_str(&asked, question, nullptr, nullptr) == LDNS_STATUS_OK);
  ldns_pkt_push_rr(packet.get(), LDNS_SECTION_QUESTION, asked);
  const auto push = [&](std::initializer_list<const char*> records, ldns_pkt_section section) {
    for (const char* text : records) {
      ldns_rr* rr = nullptr;
      REQUIRE(ldns_rr_new_frm_str(&rr, text, 300, nullptr, nullptr) == LDNS_STATUS_OK);
      ldns_pkt_push_rr(packet.get(), section, rr);
    }
  };
  push(answer, LDNS_SECTION_ANSWER);
  push(authority, LDNS_SECTION_AUTHORITY);
  auto wire = dns::packet_wire(packet.get());
  REQUIRE(wire.has_value());
  return *wire;
}

// A response with `rcode`, the question "www.example.test. IN A", and these records.
inline std::vector<uint8_t> test_message(ldns_pkt_rcode rcode,
                                         std::initializer_list<const char*> answer,
                                         std::initializer_list<const char*> authority = {}) {
  return answer_to("www.example.test. IN A", rcode, answer, authority);
}

// A name in wire form ("api.example.test." → 3api7example4test0).
inline std::vector<uint8_t> wire_name(const char* text) {
  auto name = dns::from_text(text);
  REQUIRE(name.has_value());
  return {name->bytes.begin(), name->bytes.begin() + name->length};
}

}  // namespace vigil::testing
