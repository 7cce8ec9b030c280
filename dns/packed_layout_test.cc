#include "dns/packed_layout.h"

#include <doctest/doctest.h>

#include "dns/response.h"

using namespace vigil::dns;

namespace {

void check_round_trip(const std::vector<uint8_t>& wire) {
  const auto parsed = parse_message(wire);
  REQUIRE(parsed.ok());
  const auto packed = pack_layout(parsed.layout);
  REQUIRE(packed);
  const MessageLayout& want = parsed.layout;
  const MessageLayout got = unpack_layout(*packed, wire);
  CHECK(got.header.id == want.header.id);
  CHECK(got.header.flags == want.header.flags);
  CHECK(got.header.arcount == want.header.arcount);
  REQUIRE(got.question.has_value() == want.question.has_value());
  if (want.question) {
    CHECK(got.question->name_offset == want.question->name_offset);
    CHECK(got.question->name_length == want.question->name_length);
    CHECK(got.question->qtype == want.question->qtype);
    CHECK(got.question->qclass == want.question->qclass);
  }
  CHECK(got.question_end == want.question_end);
  CHECK(got.additional_start == want.additional_start);
  REQUIRE(got.edns.has_value() == want.edns.has_value());
  if (want.edns) {
    CHECK(got.edns->udp_size == want.edns->udp_size);
    CHECK(got.edns->extended_rcode == want.edns->extended_rcode);
    CHECK(got.edns->version == want.edns->version);
    CHECK(got.edns->dnssec_ok == want.edns->dnssec_ok);
    CHECK(got.edns->options.data() == want.edns->options.data());
    CHECK(got.edns->options.size() == want.edns->options.size());
    CHECK(got.opt_offset == want.opt_offset);
    CHECK(got.opt_end == want.opt_end);
  }
  CHECK(got.additional_before_opt == want.additional_before_opt);
  CHECK(got.end == want.end);
}

}  // namespace

TEST_CASE("a packed layout unpacks to what parse_message found, with and without EDNS") {
  const auto name = from_text("www.example.com");
  static const uint8_t cookie[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  check_round_trip(make_upstream_query(
      UpstreamQuery{0x1234, name->view(), rrtype::AAAA, rrclass::IN, true, true, cookie}));
  check_round_trip(make_upstream_query(
      UpstreamQuery{0x4321, name->view(), rrtype::A, rrclass::IN, false, false, {}}));
  // An answer: A record after the question, an additional record before the OPT.
  const std::vector<uint8_t> answer{
      0, 7, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 2,
      1, 'a', 0, 0, 1, 0, 1,
      0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 10, 0, 0, 1,
      0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 10, 0, 0, 2,
      0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 4, 0, 10, 0, 0};
  check_round_trip(answer);
}

TEST_CASE("a header without a question packs and unpacks") {
  const std::vector<uint8_t> empty{0, 9, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0};
  check_round_trip(empty);
}
