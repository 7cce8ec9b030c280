// THREATS rule 19: notices when the wall clock jumps (a wrong clock set right, or an attacker
// moving it) by comparing it with the monotonic clock. What was proven about signatures under
// the old time must then be proven again.
#pragma once

#include <cstdint>
#include <optional>

namespace vigil {

class ClockWatch {
 public:
  // Smaller steps are NTP slewing or timer jitter, not a jump.
  static constexpr int64_t kJumpSeconds = 60;

  // Called now and then with both clocks; returns how far the wall clock jumped (seconds,
  // negative for backwards) when it moved more than kJumpSeconds against the monotonic one.
  std::optional<int64_t> observe(int64_t wall_seconds, int64_t monotonic_seconds);

 private:
  std::optional<int64_t> offset_;
};

}  // namespace vigil
