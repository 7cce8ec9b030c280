#include "daemon/pipeline/guard_check.h"

#include <doctest/doctest.h>

#include "daemon/config/bad_value.h"
#include "daemon/config/guard.h"
#include "tests/support/test_messages.h"

using namespace vigil;
using vigil::testing::wire_name;

namespace {
// A reply whose answer section holds `records` (presentation form).
std::vector<uint8_t> reply_with(std::initializer_list<const char*> records) {
  return testing::test_message(LDNS_RCODE_NOERROR, records);
}
}  // namespace

TEST_CASE("THREATS guarded names: exact guards win, subtree guards cover names below") {
  std::vector<Guard> guards;
  add_guard(guards, parse_guard("*.pay.example 192.0.2.0/24"));
  add_guard(guards, parse_guard("api.pay.example 198.51.100.7 2001:db8::/32"));
  CHECK(guard_for(guards, wire_name("API.Pay.Example."))->name == "api.pay.example.");
  CHECK(guard_for(guards, wire_name("x.y.pay.example."))->subtree);
  CHECK(guard_for(guards, wire_name("pay.example."))->subtree);
  CHECK(guard_for(guards, wire_name("example.")) == nullptr);
  CHECK_THROWS_AS(add_guard(guards, parse_guard("*.pay.example 10.0.0.0/8")), BadValue);
  CHECK_THROWS_AS(parse_guard("api.pay.example"), BadValue);
  CHECK_THROWS_AS(parse_guard("api.pay.example 10.0.0.1/8"), BadValue);
}

TEST_CASE("THREATS guarded names: an address outside the allowlist is reported, also via CNAME") {
  const Guard guard = parse_guard("api.pay.example 192.0.2.0/24 2001:db8::/32");
  CHECK_FALSE(guard_violation(guard, reply_with({"api.pay.example. A 192.0.2.10",
                                                 "api.pay.example. AAAA 2001:db8::10"})));
  CHECK(*guard_violation(guard, reply_with({"api.pay.example. A 192.0.2.10",
                                            "api.pay.example. A 6.6.6.6"})) == "6.6.6.6");
  CHECK(*guard_violation(guard, reply_with({"api.pay.example. CNAME evil.example.",
                                            "evil.example. AAAA 2001:db9::1"})) == "2001:db9::1");
  CHECK_FALSE(guard_violation(guard, reply_with({"api.pay.example. TXT \"no addresses\""})));
}
