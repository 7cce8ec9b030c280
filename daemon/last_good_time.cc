#include "daemon/last_good_time.h"

#include <charconv>

namespace vigil {

std::optional<int64_t> parse_last_good_time(const std::string& text) {
  std::string_view digits(text);
  while (!digits.empty() && (digits.back() == '\n' || digits.back() == ' ')) digits.remove_suffix(1);
  int64_t value = 0;
  const auto [end, status] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (status != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
      value <= 0) {
    return std::nullopt;
  }
  return value;
}

std::string format_last_good_time(int64_t seconds) { return std::to_string(seconds) + "\n"; }

int64_t seconds_behind(int64_t now, std::optional<int64_t> last_good) {
  if (!last_good || now + kClockSlackSeconds >= *last_good) return 0;
  return *last_good - now;
}

}  // namespace vigil
