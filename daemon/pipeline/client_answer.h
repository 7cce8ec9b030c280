// The answer one client gets from an upstream reply (fresh or cached): its ID, question case and
// EDNS; RRSIG/NSEC/NSEC3 only if it set DO (RFC 4035 3.2.1); AD only for a secure answer and a
// client that set DO or AD (RFC 6840 5.7); truncated to its UDP size.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "daemon/net/upstream_exchange.h"
#include "dns/edns.h"
#include "dns/message.h"
#include "dns/query.h"

namespace vigil {

// What the cache keeps beside an answer, so a hit is neither re-rendered nor re-parsed by ldns.
struct PreparedForms {
  const std::vector<uint8_t>* plain = nullptr;  // the reply already without DNSSEC records
  const dns::MessageLayout* plain_layout = nullptr;  // plain, parsed (else parsed here)
  std::span<const uint16_t> ttl_offsets;        // of the reply's records
  std::span<const uint16_t> plain_ttl_offsets;  // of plain's records
  uint32_t age_seconds = 0;                     // taken off every TTL (the time spent cached)
};

std::vector<uint8_t> client_answer(dns::Bytes reply, const dns::MessageLayout& layout,
                                   const dns::QueryInfo& client, Transport transport, bool secure,
                                   const std::optional<dns::ExtendedError>& extended_error,
                                   const PreparedForms& forms = {});

}  // namespace vigil
