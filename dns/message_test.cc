#include "dns/message.h"

#include <doctest/doctest.h>

#include "dns/response.h"

using namespace vigil::dns;

namespace {
std::vector<uint8_t> sample_query(bool dnssec_ok = true) {
  auto name = from_text("www.example.com");
  static const uint8_t cookie[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  return make_upstream_query(
      UpstreamQuery{0x1234, name->view(), rrtype::AAAA, rrclass::IN, true, dnssec_ok, cookie});
}
}  // namespace

TEST_CASE("parse_message finds header, question and the OPT record") {
  auto query = sample_query();
  auto parsed = parse_message(query);
  REQUIRE(parsed.ok());
  const auto& layout = parsed.layout;
  CHECK(layout.header.id == 0x1234);
  CHECK(layout.header.has(flag::RD));
  CHECK(layout.header.has(flag::CD));
  REQUIRE(layout.question);
  CHECK(to_text(layout.question->name(query)) == "www.example.com.");
  CHECK(layout.question->qtype == rrtype::AAAA);
  REQUIRE(layout.edns);
  CHECK(layout.edns->udp_size == 1232);
  CHECK(layout.edns->dnssec_ok);
  CHECK(layout.edns->version == 0);
  auto cookie = find_edns_option(layout.edns->options, edns_option::COOKIE);
  REQUIRE(cookie);
  CHECK(cookie->size() == 8);
  CHECK_FALSE(find_edns_option(layout.edns->options, edns_option::ECS));
  CHECK(layout.end == query.size());
}

TEST_CASE("parse_message rejects truncated and malformed messages without reading past the end") {
  auto query = sample_query();
  CHECK(parse_message(Bytes(query.data(), 11)).error == ParseError::TooShort);
  for (std::size_t size = 12; size < query.size(); ++size) {
    CHECK_FALSE(parse_message(Bytes(query.data(), size)).ok());
  }
  auto trailing = query;
  trailing.push_back(0);
  CHECK(parse_message(trailing).error == ParseError::TrailingBytes);
}

TEST_CASE("RFC 6891 6.1.1: more than one OPT, or an OPT outside the additional section, is FORMERR") {
  auto query = sample_query();
  auto parsed = parse_message(query);
  auto opt = std::vector<uint8_t>(query.begin() + static_cast<long>(parsed.layout.opt_offset),
                                  query.end());
  auto twice = query;
  twice.insert(twice.end(), opt.begin(), opt.end());
  twice[11] = 2;
  CHECK(parse_message(twice).error == ParseError::BadOpt);
  auto in_answer = query;
  in_answer[7] = 1;  // ANCOUNT 1
  in_answer[11] = 0;
  CHECK(parse_message(in_answer).error == ParseError::BadOpt);
}

TEST_CASE("EDNS options are found only when well formed") {
  const uint8_t options[] = {0, 10, 0, 2, 'a', 'b', 0, 15, 0, 9};
  CHECK(find_edns_option(Bytes(options, 6), 10)->size() == 2);
  CHECK_FALSE(find_edns_option(Bytes(options, sizeof options), 15));
}
