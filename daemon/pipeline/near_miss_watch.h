// THREATS rules 5-6: one near miss may be chance; many for one upstream in a short time mean
// someone is guessing at our queries to it. Counts near misses per upstream in a sliding window
// and says when the threshold is reached, once per window. Pure: the clock is passed in.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace vigil {

class NearMissWatch {
 public:
  static constexpr uint64_t kWindowMs = 10000;

  explicit NearMissWatch(unsigned threshold) : threshold_(threshold) {}
  void set_threshold(unsigned threshold) { threshold_ = threshold; }

  // Records one near miss for `upstream` at `now_ms`; true when this one reaches the threshold
  // within the window (the window then starts again, so an ongoing attack alerts every window).
  bool record(const std::string& upstream, uint64_t now_ms);

 private:
  struct Window {
    uint64_t start_ms = 0;
    unsigned count = 0;
  };
  unsigned threshold_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace vigil
