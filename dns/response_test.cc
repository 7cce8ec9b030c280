#include "dns/response.h"

#include <doctest/doctest.h>

using namespace vigil::dns;

namespace {
QueryInfo sample_client_query(bool edns) {
  QueryInfo query;
  query.id = 0xbeef;
  query.flags = flag::RD | flag::CD;
  query.qname = *from_text("WwW.Example.com");
  query.qtype = rrtype::A;
  query.qclass = rrclass::IN;
  query.has_edns = edns;
  query.udp_size = 4096;
  query.dnssec_ok = true;
  return query;
}
}  // namespace

TEST_CASE("an error reply echoes ID, question (with its case), RD and CD, and sets RA") {
  auto reply = make_reply_without_records(sample_client_query(false),
                                          ReplyOptions{rcode::REFUSED, false, std::nullopt});
  auto parsed = parse_message(reply);
  REQUIRE(parsed.ok());
  const auto& header = parsed.layout.header;
  CHECK(header.id == 0xbeef);
  CHECK(header.has(flag::QR));
  CHECK(header.has(flag::RD));
  CHECK(header.has(flag::CD));
  CHECK(header.has(flag::RA));
  CHECK(header.rcode() == rcode::REFUSED);
  CHECK(to_text(parsed.layout.question->name(reply)) == "WwW.Example.com.");
  CHECK_FALSE(parsed.layout.edns);
}

TEST_CASE("RFC 8914: a SERVFAIL to an EDNS client carries the Extended DNS Error") {
  auto reply = make_reply_without_records(
      sample_client_query(true),
      ReplyOptions{rcode::SERVFAIL, false, ExtendedError{ede::NoReachableAuthority, "timeout"}});
  auto parsed = parse_message(reply);
  REQUIRE(parsed.ok());
  REQUIRE(parsed.layout.edns);
  CHECK(parsed.layout.edns->udp_size == kAdvertisedUdpSize);
  CHECK(parsed.layout.edns->dnssec_ok);
  auto ede = find_edns_option(parsed.layout.edns->options, edns_option::EDE);
  REQUIRE(ede);
  CHECK(read_u16(ede->data()) == ede::NoReachableAuthority);
  CHECK(std::string(ede->begin() + 2, ede->end()) == "timeout");
}

TEST_CASE("RFC 6891 7: BADVERS is an extended rcode carried in the OPT") {
  auto reply = make_reply_without_records(sample_client_query(true),
                                          ReplyOptions{rcode::BADVERS, false, std::nullopt});
  auto parsed = parse_message(reply);
  REQUIRE(parsed.ok());
  CHECK(parsed.layout.header.rcode() == 0);
  CHECK(parsed.layout.edns->extended_rcode == 1);
}

TEST_CASE("RFC 8482 4.2: ANY is answered with one HINFO RFC8482 record") {
  auto query = sample_client_query(false);
  query.qtype = rrtype::ANY;
  auto reply = make_any_reply(query);
  auto parsed = parse_message(reply);
  REQUIRE(parsed.ok());
  CHECK(parsed.layout.header.ancount == 1);
  CHECK(parsed.layout.header.rcode() == rcode::NOERROR);
  CHECK(reply[parsed.layout.question_end + 3] == rrtype::HINFO);
}

TEST_CASE("THREATS rule 7/8: upstream queries advertise 1232 and never carry ECS") {
  auto name = from_text("example.com");
  auto query = make_upstream_query(UpstreamQuery{7, name->view(), rrtype::A, rrclass::IN, false,
                                                 false, {}});
  auto parsed = parse_message(query);
  REQUIRE(parsed.ok());
  CHECK(parsed.layout.header.has(flag::RD));
  CHECK_FALSE(parsed.layout.header.has(flag::CD));
  CHECK(parsed.layout.edns->udp_size == 1232);
  CHECK(parsed.layout.edns->options.empty());
}
