#include "daemon/csprng.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace vigil {

void Csprng::fill(std::span<uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    if (used_ == pool_.size()) {
      // Without randomness there is no defence against spoofing: stop rather than go on weak.
      if (RAND_bytes(pool_.data(), static_cast<int>(pool_.size())) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed");
      }
      used_ = 0;
    }
    const std::size_t take = std::min(out.size() - done, pool_.size() - used_);
    std::memcpy(out.data() + done, pool_.data() + used_, take);
    // Each random byte is used once: wipe it from the pool.
    std::memset(pool_.data() + used_, 0, take);
    used_ += take;
    done += take;
  }
}

}  // namespace vigil
