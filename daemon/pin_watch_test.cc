#include "daemon/pin_watch.h"

#include <doctest/doctest.h>

#include "dns/ldns_ptr.h"
#include "dns/name.h"

using namespace vigil;

namespace {

std::vector<uint8_t> name_wire(const char* text) {
  auto name = dns::from_text(text);
  return {name->bytes.begin(), name->bytes.begin() + name->length};
}

std::vector<uint8_t> reply(ldns_pkt_rcode rcode, std::initializer_list<const char*> records) {
  dns::LdnsPkt packet(ldns_pkt_new());
  ldns_pkt_set_rcode(packet.get(), rcode);
  for (const char* text : records) {
    ldns_rr* rr = nullptr;
    REQUIRE(ldns_rr_new_frm_str(&rr, text, 300, nullptr, nullptr) == LDNS_STATUS_OK);
    ldns_pkt_push_rr(packet.get(), LDNS_SECTION_ANSWER, rr);
  }
  uint8_t* wire = nullptr;
  size_t size = 0;
  REQUIRE(ldns_pkt2wire(&wire, packet.get(), &size) == LDNS_STATUS_OK);
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);  // NOLINT: ldns allocates with malloc
  return out;
}

}  // namespace

TEST_CASE("THREATS pin-watch: a live answer is compared with the pinned RDATA as a set") {
  const std::vector<cache::PinnedRecord> pinned = {
      {name_wire("api.pay.test."), 1, {192, 0, 2, 10}},
      {name_wire("api.pay.test."), 1, {192, 0, 2, 11}}};
  CHECK_FALSE(pin_disagreement(pinned, reply(LDNS_RCODE_NOERROR, {
                                                   "API.pay.test. A 192.0.2.11",
                                                   "api.pay.test. A 192.0.2.10"})));
  CHECK(*pin_disagreement(pinned, reply(LDNS_RCODE_NOERROR, {"api.pay.test. A 192.0.2.10"})) ==
        "192.0.2.10");  // one missing
  CHECK(*pin_disagreement(pinned, reply(LDNS_RCODE_NOERROR, {"api.pay.test. A 192.0.2.10",
                                                             "api.pay.test. A 192.0.2.11",
                                                             "api.pay.test. A 6.6.6.6"})) ==
        "192.0.2.10,192.0.2.11,6.6.6.6");
  CHECK(*pin_disagreement(pinned, reply(LDNS_RCODE_NXDOMAIN, {})) == "NXDOMAIN");
  CHECK(*pin_disagreement(pinned, reply(LDNS_RCODE_NOERROR, {})) == "no answer");
}
