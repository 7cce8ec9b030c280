// Guarded names (THREATS "Pinned names"): resolved and validated normally, but an address
// answer outside the name's allowlist is refused. Written "guard NAME CIDR [CIDR...]", or
// "guard *.NAME CIDR..." for NAME and every name below it.
#pragma once

#include <string_view>

#include "daemon/config/config.h"

namespace vigil {

// Throws BadValue.
Guard parse_guard(std::string_view text);

// Appends `guard`; the same name (and subtree flag) twice is an error.
void add_guard(std::vector<Guard>& guards, Guard guard);

}  // namespace vigil
