#include "daemon/net/reply_match.h"

#include <algorithm>

namespace vigil {

const char* to_string(MismatchReason reason) {
  switch (reason) {
    case MismatchReason::None: return "none";
    case MismatchReason::Malformed: return "malformed";
    case MismatchReason::NotResponse: return "not_response";
    case MismatchReason::Opcode: return "opcode";
    case MismatchReason::Source: return "source";
    case MismatchReason::Txid: return "txid";
    case MismatchReason::Question: return "question";
    case MismatchReason::Case: return "case";
    case MismatchReason::Cookie: return "cookie";
  }
  return "unknown";
}

namespace {

ReplyMatch reject(ReplyMatch match, ReplyVerdict verdict, MismatchReason reason) {
  match.verdict = verdict;
  match.reason = reason;
  return match;
}

// RFC 7873 5.3: a reply with a cookie must echo our client cookie; once the server gave us a
// cookie, a reply without one is not from it.
MismatchReason check_cookie(const ReplyMatch& match, const ExpectedReply& expected,
                            std::optional<dns::Cookie>& cookie) {
  if (expected.client_cookie.empty()) return MismatchReason::None;
  const auto& edns = match.parsed.layout.edns;
  auto option = edns ? dns::find_edns_option(edns->options, dns::edns_option::COOKIE) : std::nullopt;
  if (!option) {
    return expected.require_server_cookie ? MismatchReason::Cookie : MismatchReason::None;
  }
  cookie = dns::parse_cookie(*option);
  if (!cookie || !std::equal(cookie->client.begin(), cookie->client.end(),
                             expected.client_cookie.begin(), expected.client_cookie.end())) {
    return MismatchReason::Cookie;
  }
  return MismatchReason::None;
}

}  // namespace

ReplyMatch match_reply(dns::Bytes reply, const ExpectedReply& expected) {
  ReplyMatch match;
  match.parsed = dns::parse_message(reply);
  const auto& layout = match.parsed.layout;
  if (match.parsed.error == dns::ParseError::TooShort) {
    return reject(match, ReplyVerdict::Unwanted, MismatchReason::Malformed);
  }
  if (!layout.header.has(dns::flag::QR)) {
    return reject(match, ReplyVerdict::Unwanted, MismatchReason::NotResponse);
  }
  if (layout.header.opcode() != dns::kOpcodeQuery) {
    return reject(match, ReplyVerdict::Unwanted, MismatchReason::Opcode);
  }
  if (layout.header.id != expected.txid) {
    return reject(match, ReplyVerdict::NearMiss, MismatchReason::Txid);
  }
  // TuDoor: a malformed packet, even with our TXID, changes nothing; we keep waiting.
  if (!match.parsed.ok()) {
    return reject(match, ReplyVerdict::Unwanted, MismatchReason::Malformed);
  }
  if (layout.header.qdcount != 1 || layout.question->qtype != expected.qtype ||
      layout.question->qclass != expected.qclass ||
      !dns::equal_ignoring_case(layout.question->name(reply), expected.qname)) {
    return reject(match, ReplyVerdict::NearMiss, MismatchReason::Question);
  }
  const auto name = layout.question->name(reply);
  match.case_preserved = std::equal(name.begin(), name.end(), expected.qname.begin(),
                                    expected.qname.end());
  if (!match.case_preserved && !expected.ignore_case) {
    return reject(match, ReplyVerdict::NearMiss, MismatchReason::Case);
  }
  const auto cookie_problem = check_cookie(match, expected, match.cookie);
  if (cookie_problem != MismatchReason::None) {
    return reject(match, ReplyVerdict::NearMiss, cookie_problem);
  }
  match.verdict = ReplyVerdict::Accept;
  return match;
}

}  // namespace vigil
