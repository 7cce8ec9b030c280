// The fuzz inputs that carry several DNS messages hold them as DNS over TCP does (RFC 1035
// 4.2.2): each message after its length in two bytes. A last frame that runs past the end of the
// input is cut short, so every input means something.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dns/wire.h"

namespace vigil::fuzz {

inline std::vector<dns::Bytes> split_frames(const uint8_t* data, std::size_t size) {
  std::vector<dns::Bytes> frames;
  std::size_t pos = 0;
  while (pos + 2 <= size) {
    const std::size_t length = dns::read_u16(data + pos);
    pos += 2;
    const std::size_t available = size - pos < length ? size - pos : length;
    frames.emplace_back(data + pos, available);
    pos += available;
  }
  return frames;
}

}  // namespace vigil::fuzz
