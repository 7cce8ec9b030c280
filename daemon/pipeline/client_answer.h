// The answer one client gets from an upstream reply (fresh or cached): its ID, question case and
// EDNS; RRSIG/NSEC/NSEC3 only if it set DO (RFC 4035 3.2.1); AD only for a secure answer and a
// client that set DO or AD (RFC 6840 5.7); truncated to its UDP size.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "daemon/net/upstream_exchange.h"
#include "dns/edns.h"
#include "dns/message.h"
#include "dns/query.h"

namespace vigil {

// `plain`, when given, is `reply` already without DNSSEC records (the cache keeps both, so a hit
// for a non-DO client is not re-rendered each time).
std::vector<uint8_t> client_answer(dns::Bytes reply, const dns::MessageLayout& layout,
                                   const dns::QueryInfo& client, Transport transport, bool secure,
                                   const std::optional<dns::ExtendedError>& extended_error,
                                   const std::vector<uint8_t>* plain = nullptr);

}  // namespace vigil
