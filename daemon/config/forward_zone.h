// The value of a "forward" key: ZONE=SERVER[,SERVER]..., each SERVER ADDR[:PORT] or a tls://
// upstream (tls_upstream.h) (split DNS: names at and under ZONE go to these servers only).
#pragma once

#include <string_view>
#include <vector>

#include "daemon/config/config.h"

namespace vigil {

// Throws BadValue.
ForwardZone parse_forward_zone(std::string_view text);

// Appends `zone`; a zone forwarded twice is an error (which servers would be meant?).
void add_forward_zone(std::vector<ForwardZone>& zones, ForwardZone zone);

}  // namespace vigil
