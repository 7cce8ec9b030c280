#include "daemon/net/reply_match.h"

#include <doctest/doctest.h>

#include "dns/response.h"

using namespace vigil;
using namespace vigil::dns;

namespace {
const uint8_t kClientCookie[8] = {1, 2, 3, 4, 5, 6, 7, 8};

// A reply built as the query it answers, with QR set; the cookie option is whatever we give.
std::vector<uint8_t> reply(uint16_t txid, std::string_view qname, Bytes cookie) {
  auto name = from_text(qname);
  auto wire = make_upstream_query(UpstreamQuery{txid, name->view(), rrtype::A, rrclass::IN, false,
                                                false, cookie});
  wire[2] |= 0x80;
  return wire;
}

ExpectedReply expected(const WireName& sent) {
  ExpectedReply e;
  e.txid = 0x1111;
  e.qname = sent.view();
  e.qtype = rrtype::A;
  e.qclass = rrclass::IN;
  e.client_cookie = kClientCookie;
  return e;
}
}  // namespace

TEST_CASE("THREATS rule 2: the exact reply is accepted and its server cookie learned") {
  auto sent = *from_text("wWw.ExAmple.com");
  std::vector<uint8_t> cookie(kClientCookie, kClientCookie + 8);
  cookie.insert(cookie.end(), 8, 0xab);
  auto match = match_reply(reply(0x1111, "wWw.ExAmple.com", cookie), expected(sent));
  CHECK(match.verdict == ReplyVerdict::Accept);
  REQUIRE(match.cookie);
  CHECK(match.cookie->server_length == 8);
}

TEST_CASE("THREATS rule 6: a wrong TXID, question or 0x20 case is a near miss") {
  auto sent = *from_text("wWw.ExAmple.com");
  auto e = expected(sent);
  auto txid = match_reply(reply(0x2222, "wWw.ExAmple.com", {}), e);
  CHECK(txid.verdict == ReplyVerdict::NearMiss);
  CHECK(txid.reason == MismatchReason::Txid);
  auto question = match_reply(reply(0x1111, "evil.example.com", {}), e);
  CHECK(question.verdict == ReplyVerdict::NearMiss);
  CHECK(question.reason == MismatchReason::Question);
  auto lower = match_reply(reply(0x1111, "www.example.com", {}), e);
  CHECK(lower.verdict == ReplyVerdict::NearMiss);
  CHECK(lower.reason == MismatchReason::Case);
}

TEST_CASE("0x20 exemption: with ignore_case a case-folded echo is accepted and reported") {
  auto sent = *from_text("wWw.ExAmple.com");
  auto e = expected(sent);
  e.ignore_case = true;
  auto match = match_reply(reply(0x1111, "www.example.com", {}), e);
  CHECK(match.verdict == ReplyVerdict::Accept);
  CHECK_FALSE(match.case_preserved);
}

TEST_CASE("RFC 7873 5.3: once a server cookie is known, a reply without it is a near miss") {
  auto sent = *from_text("example.com");
  auto e = expected(sent);
  CHECK(match_reply(reply(0x1111, "example.com", {}), e).verdict == ReplyVerdict::Accept);
  e.require_server_cookie = true;
  auto missing = match_reply(reply(0x1111, "example.com", {}), e);
  CHECK(missing.verdict == ReplyVerdict::NearMiss);
  CHECK(missing.reason == MismatchReason::Cookie);
  std::vector<uint8_t> wrong(16, 0x77);
  auto forged = match_reply(reply(0x1111, "example.com", wrong), e);
  CHECK(forged.verdict == ReplyVerdict::NearMiss);
  CHECK(forged.reason == MismatchReason::Cookie);
}

TEST_CASE("TuDoor: malformed packets and non-responses are unwanted, never accepted") {
  auto sent = *from_text("example.com");
  auto e = expected(sent);
  const uint8_t garbage[] = {0x11, 0x11, 0x80};
  CHECK(match_reply(garbage, e).verdict == ReplyVerdict::Unwanted);
  auto query = reply(0x1111, "example.com", {});
  query[2] &= 0x7f;
  CHECK(match_reply(query, e).reason == MismatchReason::NotResponse);
  auto cut = reply(0x1111, "example.com", {});
  cut.resize(cut.size() - 2);
  CHECK(match_reply(cut, e).reason == MismatchReason::Malformed);
}
