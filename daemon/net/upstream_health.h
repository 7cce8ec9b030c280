// How well each upstream answers, and which one a query should ask next: the lowest smoothed RTT
// among those not backed off, with a little exploration so a recovered upstream is noticed.
// Pure: the time is passed in (milliseconds of the loop's clock).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dns/random.h"

namespace vigil {

class UpstreamHealth {
 public:
  // After this many failures in a row the upstream is backed off (1 s, doubling to 64 s); when
  // the back-off ends the next query probes it.
  static constexpr unsigned kFailuresBeforeBackoff = 3;
  static constexpr uint64_t kMaxBackoffMs = 64'000;
  static constexpr uint32_t kMaxRttMs = 120'000;

  void record_reply(uint64_t now_ms, uint32_t rtt_ms);
  void record_failure(uint64_t now_ms, uint32_t timeout_ms);
  // A failure that no retry will mend (a TLS upstream that cannot be authenticated): backed
  // off at once, as if it had failed kFailuresBeforeBackoff times.
  void mark_down(uint64_t now_ms);

  bool is_backed_off(uint64_t now_ms) const { return now_ms < backoff_until_ms_; }
  uint64_t backoff_until_ms() const { return backoff_until_ms_; }
  bool is_measured() const { return measured_; }
  uint32_t srtt_ms() const { return srtt_ms_; }
  unsigned consecutive_failures() const { return consecutive_failures_; }

 private:
  uint32_t srtt_ms_ = 0;
  bool measured_ = false;
  unsigned consecutive_failures_ = 0;
  uint64_t backoff_until_ms_ = 0;
};

// One in kExplorationOdds choices picks a random eligible upstream instead of the fastest, so
// the others' RTT estimates stay current (as Unbound does within its RTT band).
constexpr uint32_t kExplorationOdds = 16;

// Index of the upstream to ask next, or nullopt if every one was tried already. Untried ones
// that are not backed off come first (unmeasured before measured, then by SRTT); if all
// untried ones are backed off, the one whose back-off ends first is probed.
std::optional<std::size_t> choose_upstream(std::span<const UpstreamHealth* const> upstreams,
                                           const std::vector<bool>& tried, uint64_t now_ms,
                                           dns::Random& random);

}  // namespace vigil
