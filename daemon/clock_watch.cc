#include "daemon/clock_watch.h"

namespace vigil {

std::optional<int64_t> ClockWatch::observe(int64_t wall_seconds, int64_t monotonic_seconds) {
  const int64_t offset = wall_seconds - monotonic_seconds;
  const std::optional<int64_t> previous = offset_;
  offset_ = offset;
  if (!previous) return std::nullopt;
  const int64_t jump = offset - *previous;
  if (jump > kJumpSeconds || jump < -kJumpSeconds) return jump;
  return std::nullopt;
}

}  // namespace vigil
