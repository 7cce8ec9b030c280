// The daemon's Random: OpenSSL's CSPRNG, read in blocks so a query costs no system call.
#pragma once

#include <array>

#include "dns/random.h"

namespace vigil {

class Csprng : public dns::Random {
 public:
  void fill(std::span<uint8_t> out) override;

 private:
  std::array<uint8_t, 4096> pool_{};
  std::size_t used_ = pool_.size();
};

}  // namespace vigil
