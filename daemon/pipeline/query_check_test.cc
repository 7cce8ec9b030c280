#include "daemon/pipeline/query_check.h"

#include <doctest/doctest.h>

#include "dns/message.h"
#include "dns/response.h"

using namespace vigil;
using namespace vigil::dns;

namespace {
std::vector<uint8_t> query(uint16_t qtype, uint16_t qclass = rrclass::IN, bool edns = true) {
  auto name = from_text("Www.Example.com");
  auto wire = make_upstream_query(UpstreamQuery{0x55aa, name->view(), qtype, qclass, false, true, {}});
  if (!edns) {
    auto parsed = parse_message(wire);
    wire.resize(parsed.layout.opt_offset);
    wire[11] = 0;
  }
  return wire;
}

uint16_t rcode_of(const QueryCheck& check) {
  auto parsed = parse_message(check.reply);
  REQUIRE(parsed.error != ParseError::TooShort);
  uint16_t code = parsed.layout.header.rcode();
  if (parsed.layout.edns) code |= static_cast<uint16_t>(parsed.layout.edns->extended_rcode << 4);
  return code;
}
}  // namespace

TEST_CASE("a well-formed IN query is forwarded with its question, case and EDNS kept") {
  auto check = check_client_query(query(rrtype::A));
  REQUIRE(check.action == QueryCheck::Action::Forward);
  CHECK(check.query.id == 0x55aa);
  CHECK(to_text(check.query.qname.view()) == "Www.Example.com.");
  CHECK(check.query.has_edns);
  CHECK(check.query.dnssec_ok);
  CHECK(check.query.udp_size == 1232);
}

TEST_CASE("packets shorter than a header, and responses, are dropped in silence") {
  auto wire = query(rrtype::A);
  CHECK(check_client_query(Bytes(wire.data(), 11)).action == QueryCheck::Action::Drop);
  wire[2] |= 0x80;  // QR
  CHECK(check_client_query(wire).action == QueryCheck::Action::Drop);
}

TEST_CASE("RFC 1035 4.1.1: an opcode other than QUERY gets NOTIMP") {
  auto wire = query(rrtype::A);
  wire[2] |= 2 << 3;  // opcode STATUS
  auto check = check_client_query(wire);
  REQUIRE(check.action == QueryCheck::Action::Reply);
  CHECK(rcode_of(check) == rcode::NOTIMP);
}

TEST_CASE("QDCOUNT other than 1 or a malformed question gets FORMERR") {
  auto zero = query(rrtype::A);
  zero[5] = 0;
  CHECK(rcode_of(check_client_query(zero)) == rcode::FORMERR);
  auto two = query(rrtype::A);
  two[5] = 2;
  CHECK(rcode_of(check_client_query(two)) == rcode::FORMERR);
  auto truncated = query(rrtype::A, rrclass::IN, false);
  truncated.resize(truncated.size() - 3);
  auto check = check_client_query(truncated);
  REQUIRE(check.action == QueryCheck::Action::Reply);
  CHECK(rcode_of(check) == rcode::FORMERR);
  CHECK(parse_message(check.reply).layout.header.id == 0x55aa);
}

TEST_CASE("RFC 6891 6.1.3: an EDNS version above 0 gets BADVERS") {
  auto wire = query(rrtype::A);
  auto parsed = parse_message(wire);
  wire[parsed.layout.opt_offset + 6] = 1;  // the version octet of the OPT TTL
  auto check = check_client_query(wire);
  REQUIRE(check.action == QueryCheck::Action::Reply);
  CHECK(rcode_of(check) == rcode::BADVERS);
}

TEST_CASE("a class other than IN is REFUSED, and so are zone transfers") {
  CHECK(rcode_of(check_client_query(query(rrtype::A, rrclass::CH))) == rcode::REFUSED);
  CHECK(rcode_of(check_client_query(query(rrtype::AXFR))) == rcode::REFUSED);
  CHECK(rcode_of(check_client_query(query(rrtype::IXFR))) == rcode::REFUSED);
  CHECK(rcode_of(check_client_query(query(rrtype::OPT))) == rcode::FORMERR);
}

TEST_CASE("RFC 8482: ANY is answered locally with HINFO, never forwarded") {
  auto check = check_client_query(query(rrtype::ANY));
  REQUIRE(check.action == QueryCheck::Action::Reply);
  auto parsed = parse_message(check.reply);
  REQUIRE(parsed.ok());
  CHECK(parsed.layout.header.ancount == 1);
}

TEST_CASE("a query with answer or authority records gets FORMERR") {
  auto wire = query(rrtype::A, rrclass::IN, false);
  wire[7] = 1;  // ANCOUNT without a record: malformed
  CHECK(rcode_of(check_client_query(wire)) == rcode::FORMERR);
}

TEST_CASE("RFC 1995 3: an IXFR query with the client's SOA in authority is refused, not FORMERR") {
  auto wire = query(rrtype::IXFR, rrclass::IN, false);
  wire[9] = 1;  // NSCOUNT 1: "Www.Example.com. SOA" with RDATA as in RFC 1995's example
  const uint8_t soa[] = {0xc0, 12, 0, 6, 0, 1, 0, 0, 0, 60, 0, 22,
                         0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
  wire.insert(wire.end(), std::begin(soa), std::end(soa));
  CHECK(rcode_of(check_client_query(wire)) == rcode::REFUSED);
  wire[9] = 2;  // two authority records (one missing): malformed
  CHECK(rcode_of(check_client_query(wire)) == rcode::FORMERR);
}
