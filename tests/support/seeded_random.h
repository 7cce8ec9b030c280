// A deterministic Random for tests (splitmix64): the same seed replays the same ports and IDs.
#pragma once

#include "dns/random.h"

namespace vigil::testing {

class SeededRandom : public dns::Random {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  void fill(std::span<uint8_t> out) override {
    for (auto& byte : out) {
      if (available_ == 0) {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        word_ = z ^ (z >> 31);
        available_ = 8;
      }
      byte = static_cast<uint8_t>(word_);
      word_ >>= 8;
      --available_;
    }
  }

 private:
  uint64_t state_;
  uint64_t word_ = 0;
  int available_ = 0;
};

}  // namespace vigil::testing
