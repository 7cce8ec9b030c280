#include "daemon/pipeline/near_miss_watch.h"

namespace vigil {

bool NearMissWatch::record(const std::string& upstream, uint64_t now_ms) {
  if (threshold_ == 0) return false;
  Window& window = windows_[upstream];
  if (window.count == 0 || now_ms - window.start_ms >= kWindowMs) {
    window.start_ms = now_ms;
    window.count = 0;
  }
  if (++window.count < threshold_) return false;
  window.count = 0;
  return true;
}

}  // namespace vigil
