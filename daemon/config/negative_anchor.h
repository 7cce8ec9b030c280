// Negative trust anchors (RFC 7646): names whose answers vigil does not validate, because the
// operator knows their zone is broken or private. An answer under one is insecure: never AD,
// never SERVFAIL for DNSSEC reasons. Written "insecure NAME [EXPIRY]".
#pragma once

#include <string_view>
#include <vector>

#include "daemon/config/config.h"

namespace vigil {

// "corp.example", "broken.example 2026-12-31" or "broken.example 2026-12-31T12:00:00Z": the
// expiry is UTC; after it the anchor no longer applies (RFC 7646 4: NTAs must expire). Throws
// BadValue.
NegativeAnchor parse_negative_anchor(std::string_view text);

// RFC 6303 reverse zones of private, loopback, link-local and documentation addresses
// (RFC 1918 and IPv6 ULA included): their answers come from local servers, never from the
// signed public tree, so vigil does not ask the public chain about them.
std::vector<NegativeAnchor> default_negative_anchors();

}  // namespace vigil
