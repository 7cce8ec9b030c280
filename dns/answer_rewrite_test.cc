#include "dns/answer_rewrite.h"

#include <doctest/doctest.h>

#include "dns/response.h"

using namespace vigil::dns;

namespace {
// An upstream answer: www.example.com A 192.0.2.1 (owner compressed to the question), with the
// upstream's OPT carrying a cookie, AA and AD set, and the question in 0x20 case.
std::vector<uint8_t> upstream_answer(std::string_view qname_text) {
  std::vector<uint8_t> out;
  append_u16(out, 0x4242);
  append_u16(out, flag::QR | flag::AA | flag::AD | flag::RD | flag::RA);
  append_u16(out, 1);
  append_u16(out, 1);
  append_u16(out, 0);
  append_u16(out, 1);
  append_bytes(out, from_text(qname_text)->view());
  append_u16(out, rrtype::A);
  append_u16(out, rrclass::IN);
  append_u16(out, 0xc00c);
  append_u16(out, rrtype::A);
  append_u16(out, rrclass::IN);
  append_u32(out, 300);
  append_u16(out, 4);
  append_bytes(out, std::vector<uint8_t>{192, 0, 2, 1});
  static const uint8_t cookie[24] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9};
  OptRecord opt;
  opt.cookie = cookie;
  append_opt(out, opt);
  return out;
}

QueryInfo client_query(bool edns) {
  QueryInfo query;
  query.id = 7;
  query.flags = flag::RD;
  query.qname = *from_text("www.example.COM");
  query.qtype = rrtype::A;
  query.qclass = rrclass::IN;
  query.has_edns = edns;
  query.udp_size = 1232;
  return query;
}
}  // namespace

TEST_CASE("the client gets its own ID and question case, no AA, no AD, no upstream cookie") {
  auto upstream = upstream_answer("WWW.eXaMpLe.cOm");
  auto parsed = parse_message(upstream);
  REQUIRE(parsed.ok());
  auto reply = rewrite_answer_for_client(upstream, parsed.layout, client_query(true), {});
  auto out = parse_message(reply);
  REQUIRE(out.ok());
  CHECK(out.layout.header.id == 7);
  CHECK_FALSE(out.layout.header.has(flag::AA));
  CHECK_FALSE(out.layout.header.has(flag::AD));
  CHECK(out.layout.header.has(flag::RA));
  CHECK(out.layout.header.ancount == 1);
  CHECK(to_text(out.layout.question->name(reply)) == "www.example.COM.");
  REQUIRE(out.layout.edns);
  CHECK(out.layout.edns->udp_size == kAdvertisedUdpSize);
  CHECK_FALSE(find_edns_option(out.layout.edns->options, edns_option::COOKIE));
  // The A record is carried over byte for byte.
  CHECK(reply[reply.size() - 11 - 4] == 192);
}

TEST_CASE("a client without EDNS gets no OPT") {
  auto upstream = upstream_answer("www.example.com");
  auto parsed = parse_message(upstream);
  auto reply = rewrite_answer_for_client(upstream, parsed.layout, client_query(false), {});
  auto out = parse_message(reply);
  REQUIRE(out.ok());
  CHECK_FALSE(out.layout.edns);
  CHECK(out.layout.header.arcount == 0);
}

TEST_CASE("RFC 2181 9: an answer over the client's size limit is sent as TC=1 without records") {
  auto upstream = upstream_answer("www.example.com");
  auto parsed = parse_message(upstream);
  auto reply = rewrite_answer_for_client(upstream, parsed.layout, client_query(true),
                                         RewriteOptions{40, true, std::nullopt});
  auto out = parse_message(reply);
  REQUIRE(out.ok());
  CHECK(out.layout.header.has(flag::TC));
  CHECK(out.layout.header.ancount == 0);
  CHECK(out.layout.header.id == 7);
}

TEST_CASE("RFC 6840 5.7: AD is set only when vigil validated the answer itself") {
  auto upstream = upstream_answer("www.example.com");
  auto parsed = parse_message(upstream);
  auto reply = rewrite_answer_for_client(upstream, parsed.layout, client_query(true),
                                         RewriteOptions{65535, true, std::nullopt});
  CHECK(parse_message(reply).layout.header.has(flag::AD));
  // The upstream's own AD (set in upstream_answer) is never passed on.
  reply = rewrite_answer_for_client(upstream, parsed.layout, client_query(true),
                                    RewriteOptions{65535, false, std::nullopt});
  CHECK_FALSE(parse_message(reply).layout.header.has(flag::AD));
}
