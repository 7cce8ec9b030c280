#include "daemon/pin_watch.h"

#include <doctest/doctest.h>

#include "tests/support/test_messages.h"

using namespace vigil;
using vigil::testing::wire_name;

namespace {
std::vector<uint8_t> reply(ldns_pkt_rcode rcode, std::initializer_list<const char*> records) {
  return testing::test_message(rcode, records);
}
}  // namespace

TEST_CASE("THREATS pin-watch: a live answer is compared with the pinned RDATA as a set") {
  const std::vector<cache::PinnedRecord> pinned = {
      {wire_name("api.pay.test."), 1, {192, 0, 2, 10}},
      {wire_name("api.pay.test."), 1, {192, 0, 2, 11}}};
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
