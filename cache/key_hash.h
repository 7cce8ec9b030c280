// The hash of a cache key (upstream group, name, type, class) for the compact tables, and the
// comparison of two names that goes with it. Letter case is folded (RFC 4343), so a name hashes
// alike however the upstream echoed it (0x20). Both work on eight octets at a time: a hit hashes
// and compares one name. Seeded per cache from a random value, so that names chosen to collide
// in one process do not in another.
#pragma once

#include <cstdint>
#include <cstring>

#include "dns/wire.h"

namespace vigil::cache {

namespace key_hash_detail {

constexpr uint64_t kOnes = 0x0101010101010101ull;

// Each octet of `v` with ASCII A-Z folded to a-z; every other octet as it is.
inline uint64_t folded(uint64_t v) {
  const uint64_t low7 = v & (0x7f * kOnes);
  const uint64_t above_z = low7 + (0x7f - 'Z') * kOnes;      // top bit set where octet > 'Z'
  const uint64_t from_a = low7 + (0x80 - 'A') * kOnes;       // top bit set where octet >= 'A'
  const uint64_t upper = from_a & ~above_z & ~v & (0x80 * kOnes);  // and the octet is ASCII
  return v | (upper >> 2);                                   // 0x80 >> 2 is the case bit 0x20
}

// Octets [at, at + 8) of `bytes`, zeros past its end.
inline uint64_t chunk(dns::Bytes bytes, std::size_t at) {
  uint64_t v = 0;
  const std::size_t n = bytes.size() - at < 8 ? bytes.size() - at : 8;
  std::memcpy(&v, bytes.data() + at, n);
  return v;
}

}  // namespace key_hash_detail

// True if the names (any octets) are equal with ASCII letters folded.
inline bool equal_folded(dns::Bytes a, dns::Bytes b) {
  if (a.size() != b.size()) return false;
  for (std::size_t at = 0; at < a.size(); at += 8) {
    if (key_hash_detail::folded(key_hash_detail::chunk(a, at)) !=
        key_hash_detail::folded(key_hash_detail::chunk(b, at))) {
      return false;
    }
  }
  return true;
}

inline uint64_t key_hash(uint64_t seed, uint16_t group, dns::Bytes name, uint16_t type,
                         uint16_t rclass) {
  uint64_t h = seed ^ (uint64_t{group} << 48 | uint64_t{type} << 32 | uint64_t{rclass} << 16 |
                       name.size());
  for (std::size_t at = 0; at < name.size(); at += 8) {
    h = (h ^ key_hash_detail::folded(key_hash_detail::chunk(name, at))) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
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
