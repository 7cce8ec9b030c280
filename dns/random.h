// Randomness is injected: the daemon passes a CSPRNG, tests a seeded or scripted source.
#pragma once

#include <cstdint>
#include <span>

namespace vigil::dns {

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<uint8_t> out) = 0;

  uint16_t next_u16() {
    uint8_t b[2];
    fill(b);
    return static_cast<uint16_t>((b[0] << 8) | b[1]);
  }
  uint32_t next_u32() {
    uint8_t b[4];
    fill(b);
    return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
  }
  // Uniform in [0, bound) by rejection sampling: a plain modulo would favour low values.
  uint32_t uniform(uint32_t bound) {
    if (bound <= 1) return 0;
    const uint32_t limit = UINT32_MAX - (UINT32_MAX % bound);
    uint32_t value;
    do {
      value = next_u32();
    } while (value >= limit);
    return value % bound;
  }
};

}  // namespace vigil::dns
