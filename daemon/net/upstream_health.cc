#include "daemon/net/upstream_health.h"

#include <algorithm>

namespace vigil {

void UpstreamHealth::record_reply(uint64_t /*now_ms*/, uint32_t rtt_ms) {
  // RFC 6298-style smoothing with gain 1/8; the first sample is taken as is.
  srtt_ms_ = measured_ ? (7 * srtt_ms_ + rtt_ms) / 8 : rtt_ms;
  measured_ = true;
  consecutive_failures_ = 0;
  backoff_until_ms_ = 0;
}

void UpstreamHealth::record_failure(uint64_t now_ms, uint32_t timeout_ms) {
  srtt_ms_ = std::min(kMaxRttMs, std::max(srtt_ms_ * 2, timeout_ms));
  measured_ = true;
  ++consecutive_failures_;
  if (consecutive_failures_ >= kFailuresBeforeBackoff) {
    const unsigned doublings = std::min(consecutive_failures_ - kFailuresBeforeBackoff, 6u);
    backoff_until_ms_ = now_ms + std::min<uint64_t>(1000ull << doublings, kMaxBackoffMs);
  }
}

void UpstreamHealth::mark_down(uint64_t now_ms) {
  consecutive_failures_ = std::max(consecutive_failures_, kFailuresBeforeBackoff - 1);
  record_failure(now_ms, 0);
}

std::optional<std::size_t> choose_upstream(std::span<const UpstreamHealth* const> upstreams,
                                           const std::vector<bool>& tried, uint64_t now_ms,
                                           dns::Random& random) {
  std::vector<std::size_t> eligible;
  std::optional<std::size_t> probe;
  for (std::size_t i = 0; i < upstreams.size(); ++i) {
    if (tried[i]) continue;
    if (!upstreams[i]->is_backed_off(now_ms)) {
      eligible.push_back(i);
    } else if (!probe ||
               upstreams[i]->backoff_until_ms() < upstreams[*probe]->backoff_until_ms()) {
      probe = i;
    }
  }
  if (eligible.empty()) return probe;
  if (eligible.size() > 1 && random.uniform(kExplorationOdds) == 0) {
    return eligible[random.uniform(static_cast<uint32_t>(eligible.size()))];
  }
  return *std::min_element(eligible.begin(), eligible.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = *upstreams[a];
    const auto& y = *upstreams[b];
    if (x.is_measured() != y.is_measured()) return !x.is_measured();
    return x.srtt_ms() < y.srtt_ms();
  });
}

}  // namespace vigil
