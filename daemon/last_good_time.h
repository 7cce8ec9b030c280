// The last known good time: the latest wall-clock time vigild ran at, kept in the state
// directory across restarts. DNSSEC judges signatures by the clock, so a clock that went back
// past it (a dead RTC battery, a bad NTP answer) makes every signature look not yet valid or
// lets replayed, expired ones look valid: vigild says so loudly at start.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vigil {

inline constexpr const char* kLastGoodTimeFile = "last-good-time";
// A clock this far behind the recorded time is worth a warning (small steps happen).
inline constexpr int64_t kClockSlackSeconds = 300;

// "1795425600\n" (seconds since 1970, UTC); nullopt for anything else.
std::optional<int64_t> parse_last_good_time(const std::string& text);
std::string format_last_good_time(int64_t seconds);

// How many seconds `now` is behind `last_good`, beyond the slack; 0 when the clock is fine.
int64_t seconds_behind(int64_t now, std::optional<int64_t> last_good);

}  // namespace vigil
