#include "cache/pins.h"

#include <doctest/doctest.h>

#include "dns/name.h"
#include "dns/types.h"

using namespace vigil;

namespace {
std::vector<uint8_t> wire(const char* text) {
  auto name = dns::from_text(text);
  return {name->bytes.begin(), name->bytes.begin() + name->length};
}
cache::PinnedRecord pin(const char* name, uint16_t type, std::vector<uint8_t> rdata) {
  return {wire(name), type, std::move(rdata)};
}
}  // namespace

TEST_CASE("THREATS pinned names: a pinned name answers every type from the pins only") {
  const cache::PinTable pins({pin("api.example.com.", dns::rrtype::A, {192, 0, 2, 10}),
                              pin("api.example.com.", dns::rrtype::A, {192, 0, 2, 11}),
                              pin("www.example.com.", dns::rrtype::CNAME, wire("api.example.com."))});
  CHECK(pins.is_pinned(wire("API.Example.COM.")));  // case-insensitive
  CHECK_FALSE(pins.is_pinned(wire("example.com.")));
  const auto a = pins.answer(wire("Api.Example.Com."), dns::rrtype::A);
  REQUIRE(a.size() == 2);
  CHECK(a[0].owner.empty());  // the question's own name, in the client's case
  CHECK(std::vector<uint8_t>(a[1].rdata.begin(), a[1].rdata.end()) ==
        std::vector<uint8_t>{192, 0, 2, 11});
  CHECK(pins.answer(wire("api.example.com."), dns::rrtype::AAAA).empty());  // NODATA
  // A pinned CNAME is followed through the pins.
  const auto chain = pins.answer(wire("www.example.com."), dns::rrtype::A);
  REQUIRE(chain.size() == 3);
  CHECK(chain[0].type == dns::rrtype::CNAME);
  CHECK(chain[1].type == dns::rrtype::A);
  CHECK(!chain[1].owner.empty());
  // Asked for the CNAME itself: just the CNAME.
  CHECK(pins.answer(wire("www.example.com."), dns::rrtype::CNAME).size() == 1);
}

TEST_CASE("THREATS rule 11: a CNAME loop among pins ends at the chain cap") {
  const cache::PinTable pins({pin("a.test.", dns::rrtype::CNAME, wire("b.test.")),
                              pin("b.test.", dns::rrtype::CNAME, wire("a.test."))});
  CHECK(pins.answer(wire("a.test."), dns::rrtype::A).size() == cache::PinTable::kMaxCnameChain + 1);
}
