#include "daemon/net/tls_query.h"

#include <doctest/doctest.h>

#include "dns/name.h"
#include "dns/response.h"
#include "dns/types.h"

using namespace vigil;

namespace {

std::vector<uint8_t> query_for(const char* name, std::vector<uint8_t> cookie = {}) {
  const auto qname = *dns::from_text(name);
  return dns::make_upstream_query(dns::UpstreamQuery{0x1234, qname.view(), dns::rrtype::A,
                                                     dns::rrclass::IN, true, true, cookie});
}

}  // namespace

TEST_CASE(
    "RFC 8467 4.1: a query over TLS is padded to a multiple of 128 octets, "
    "with RFC 7828's empty edns-tcp-keepalive") {
  for (const char* name : {"a.example.", "www.a-rather-longer-name.example.", "."}) {
    auto query = query_for(name, std::vector<uint8_t>(8, 0xab));
    const std::size_t qname_length = dns::from_text(name)->length;
    REQUIRE(add_tls_query_options(query, qname_length));
    CHECK(query.size() % kQueryPaddingBlock == 0);
    const auto parsed = dns::parse_message(query);
    REQUIRE(parsed.ok());
    REQUIRE(parsed.layout.edns);
    const auto& options = parsed.layout.edns->options;
    const auto keepalive = dns::find_edns_option(options, kEdnsTcpKeepalive);
    REQUIRE(keepalive);
    CHECK(keepalive->empty());
    const auto padding = dns::find_edns_option(options, dns::edns_option::PADDING);
    REQUIRE(padding);
    for (const uint8_t octet : *padding) CHECK(octet == 0);
    CHECK(dns::find_edns_option(options, dns::edns_option::COOKIE));  // still there
  }
}

TEST_CASE("a query without its OPT record last is left alone") {
  auto query = query_for("a.example.");
  const std::size_t qname_length = dns::from_text("a.example.")->length;
  auto truncated = std::vector<uint8_t>(query.begin(), query.end() - 3);
  CHECK_FALSE(add_tls_query_options(truncated, qname_length));
  CHECK(truncated.size() == query.size() - 3);
  CHECK_FALSE(add_tls_query_options(query, qname_length + 1));
}

TEST_CASE("RFC 7828 3.3.2: a reply's keepalive timeout is in units of 100 ms") {
  // A reply whose OPT record carries edns-tcp-keepalive 25 (2.5 s).
  auto reply = query_for("a.example.");
  reply[2] |= 0x80;
  const std::size_t rdlength_at = reply.size() - 2;
  reply[rdlength_at + 1] = 6;
  for (const uint8_t octet : {0, 11, 0, 2, 0, 25}) reply.push_back(octet);
  const auto parsed = dns::parse_message(reply);
  REQUIRE(parsed.ok());
  const auto keepalive = announced_keepalive(parsed.layout);
  REQUIRE(keepalive);
  CHECK(keepalive->count() == 2500);
  CHECK_FALSE(announced_keepalive(dns::parse_message(query_for("b.example.")).layout));
}
