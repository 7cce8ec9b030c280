// Whether a packet that arrived on an upstream query's socket is the reply to that query
// (THREATS rules 2, 5, 6). Pure: the I/O layer has already checked the source address.
#pragma once

#include <optional>

#include "dns/edns.h"
#include "dns/message.h"

namespace vigil {

enum class ReplyVerdict {
  Accept,
  NearMiss,  // right socket, but wrong TXID, question, case or cookie: someone may be guessing
  Unwanted,  // not a reply at all (malformed, QR=0, other opcode, wrong source)
};

enum class MismatchReason { None, Malformed, NotResponse, Opcode, Source, Txid, Question, Case, Cookie };
const char* to_string(MismatchReason reason);

struct ExpectedReply {
  uint16_t txid = 0;
  dns::Bytes qname;  // exactly as sent, 0x20 case included
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  dns::Bytes client_cookie;           // 8 bytes we sent; empty when cookies are off
  bool require_server_cookie = false;  // the upstream gave us one before (UDP only)
  bool ignore_case = false;           // TCP, or an upstream exempted from 0x20
};

struct ReplyMatch {
  ReplyVerdict verdict = ReplyVerdict::Unwanted;
  MismatchReason reason = MismatchReason::None;
  dns::ParseResult parsed;
  std::optional<dns::Cookie> cookie;  // the reply's cookie, when it carried one
  bool case_preserved = true;         // with ignore_case: did the reply echo our case?
};

ReplyMatch match_reply(dns::Bytes reply, const ExpectedReply& expected);

}  // namespace vigil
