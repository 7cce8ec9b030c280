// The hash of a cache key (upstream group, name, type, class), for the compact tables. Letter
// case is folded (RFC 4343), so a name hashes alike however the upstream echoed it. Seeded per
// cache from a random value, so that names chosen to collide in one process do not in another.
#pragma once

#include <cstdint>

#include "dns/wire.h"

namespace vigil::cache {

inline uint64_t key_hash(uint64_t seed, uint16_t group, dns::Bytes name, uint16_t type,
                         uint16_t rclass) {
  uint64_t h = seed ^ 0xcbf29ce484222325ull ^ (uint64_t{group} << 32 | uint64_t{type} << 16 | rclass);
  for (const uint8_t c : name) {
    h = (h ^ ((c >= 'A' && c <= 'Z') ? c + 32u : c)) * 0x100000001b3ull;
  }
  // MurmurHash3's finalizer: every input bit reaches the low bits the index uses.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

}  // namespace vigil::cache
