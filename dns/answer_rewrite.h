// Turns an accepted upstream reply into the reply for one client. The records are copied as they
// are; what belongs to the client (ID, the question in its letter case, its EDNS) or to the
// upstream hop (the upstream's OPT and cookies) is replaced.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "dns/edns.h"
#include "dns/message.h"
#include "dns/query.h"

namespace vigil::dns {

struct RewriteOptions {
  std::size_t max_size = 65535;  // the client's limit: over UDP its EDNS size, over TCP 65535
  // AD=1 only for answers vigil validated itself (RFC 6840 5.7); the upstream's AD is never
  // passed on: vigil asks with CD=1 and trusts no one's validation but its own.
  bool authenticated = false;
  // RFC 8914: an Extended DNS Error for an answer that is passed on anyway (an insecure zone's
  // unsupported algorithm, EDE 1/2, or NSEC3 iterations, EDE 27); only for EDNS clients.
  std::optional<ExtendedError> extended_error;
};

// `upstream` must have parsed cleanly into `layout` with the same question as `client` (case
// aside). When the result would exceed max_size it is a TC=1 reply without records (RFC 2181 9).
std::vector<uint8_t> rewrite_answer_for_client(Bytes upstream, const MessageLayout& layout,
                                               const QueryInfo& client,
                                               const RewriteOptions& options);

}  // namespace vigil::dns
