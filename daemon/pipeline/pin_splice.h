// THREATS "Pinned names": a pinned name also wins when an upstream's CNAME chain leads to it.
// The chain's links up to the pinned name are kept; what the upstream said at and after it is
// replaced by the pins' answer. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "cache/pins.h"
#include "dns/query.h"
#include "dns/wire.h"

namespace vigil {

// The reply with the pinned tail, or nullopt when its chain reaches no pinned name.
std::optional<std::vector<uint8_t>> splice_pins(dns::Bytes reply, const dns::QueryInfo& question,
                                                const cache::PinTable& pins);

}  // namespace vigil
