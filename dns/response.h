// Messages vigil writes itself: its own replies to clients (errors, truncation, the RFC 8482 ANY
// answer) and the queries it sends upstream.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "dns/edns.h"
#include "dns/message.h"
#include "dns/query.h"

namespace vigil::dns {

struct ReplyOptions {
  uint16_t rcode = rcode::NOERROR;  // may be extended (> 15): needs the client's EDNS
  bool truncated = false;
  std::optional<ExtendedError> extended_error;
};

// Header and question echoed, no records; an OPT if the client sent one.
std::vector<uint8_t> make_reply_without_records(const QueryInfo& query, const ReplyOptions& options);

// For a query whose question could not be parsed: its header echoed, no sections (RFC 1035 4.1.1).
std::vector<uint8_t> make_header_only_reply(const Header& query_header, uint16_t rcode);

// RFC 8482 4.2: answer ANY with one synthesized HINFO "RFC8482" "" record.
std::vector<uint8_t> make_any_reply(const QueryInfo& query);
constexpr uint32_t kAnyHinfoTtl = 3789;

// A record vigil answers from its own configuration.
struct LocalRecord {
  Bytes owner;  // uncompressed wire name; empty: the question's name
  uint16_t type = 0;
  uint32_t ttl = 0;
  Bytes rdata;  // uncompressed wire RDATA
};

// An authoritative answer from configuration (pinned names, THREATS "Pinned names"): AA=1, the
// records in order, the question echoed in the client's case; an empty list is NODATA.
std::vector<uint8_t> make_local_answer(const QueryInfo& query, const std::vector<LocalRecord>& records);

struct UpstreamQuery {
  uint16_t id = 0;
  Bytes qname;  // already case-randomized when 0x20 is on
  uint16_t qtype = 0;
  uint16_t qclass = rrclass::IN;
  bool checking_disabled = false;
  bool dnssec_ok = false;
  Bytes cookie;  // empty when cookies are off
};

// RD=1, EDNS UDP size 1232, never an ECS option (THREATS rule 8).
std::vector<uint8_t> make_upstream_query(const UpstreamQuery& query);

}  // namespace vigil::dns
