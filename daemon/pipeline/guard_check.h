// Guarded names at answer time: which guard covers a question, and whether an upstream answer
// gives an address outside its allowlist. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "dns/wire.h"

namespace vigil {

// The guard for `qname` (wire form, any case): an exact guard for the name, else the closest
// subtree guard at or above it; nullptr when none.
const Guard* guard_for(const std::vector<Guard>& guards, dns::Bytes qname);

// The first A or AAAA address of the answer section (directly, or at the end of a CNAME chain)
// outside the guard's allowlist, as text; nullopt when every address is allowed.
std::optional<std::string> guard_violation(const Guard& guard, dns::Bytes reply);

}  // namespace vigil
