// The first decision about a client's packet, before anything is looked up or forwarded: drop it,
// answer it at once (FORMERR, NOTIMP, REFUSED, BADVERS, the RFC 8482 ANY answer), or pass it on.
// Pure: bytes in, a decision out.
#pragma once

#include <vector>

#include "dns/query.h"
#include "dns/wire.h"

namespace vigil {

struct QueryCheck {
  enum class Action { Drop, Reply, Forward };
  Action action = Action::Drop;
  std::vector<uint8_t> reply;  // Action::Reply
  dns::QueryInfo query;        // Action::Forward (and Reply, when the question parsed)
  const char* reason = "";     // a short word for counters and logs: "formerr", "notimp", ...
};

QueryCheck check_client_query(dns::Bytes wire);

}  // namespace vigil
