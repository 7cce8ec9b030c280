// THREATS rule 1: the source port of every UDP query upstream is drawn uniformly from the whole
// configured range by the CSPRNG (never the kernel's ephemeral pick, which can be predictable).
#pragma once

#include <cstdint>

#include "dns/random.h"

namespace vigil {

inline uint16_t draw_source_port(dns::Random& random, uint16_t low, uint16_t high) {
  return static_cast<uint16_t>(low + random.uniform(uint32_t{high} - low + 1));
}

}  // namespace vigil
