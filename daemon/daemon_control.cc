// The Daemon's side of the control socket: what vigilctl's commands read and change
// (daemon/control/control_target.h). Loop thread only, like everything the Daemon owns.
#include "daemon/daemon.h"
#include "dns/name.h"

namespace vigil {

StatusReport Daemon::status() const {
  const uint64_t now = uv_now(&loop_);
  StatusReport report;
  report.version = VIGIL_VERSION;
  report.uptime_s = (now - started_ms_) / 1000;
  for (const auto& address : config_->listen) report.listen.push_back(address.to_string());
  report.control_socket = config_->control_socket;
  for (const auto& group : pipeline_->routing().groups()) {
    for (const auto& upstream : group->upstreams) {
      const UpstreamHealth& health = upstream->health;
      report.upstreams.push_back({group->zone, upstream->name(), health.is_measured(),
                                  health.srtt_ms(), health.consecutive_failures(),
                                  health.is_backed_off(now) ? health.backoff_until_ms() - now : 0});
    }
  }
  report.dnssec = config_->dnssec;
  report.trust_anchors = anchor_tracker_.trusted().size();
  report.negative_anchors = config_->negative_anchors.size();
  report.cache_entries = answer_cache_.size();
  report.cache_size = config_->cache_size;
  report.bogus_entries = bogus_cache_.size();
  report.in_flight = pipeline_->in_flight();
  return report;
}

PinWatchReport Daemon::pin_watch() const {
  PinWatchReport report;
  report.interval = config_->pin_watch;
  report.rounds = pin_watch_.rounds();
  if (const auto last = pin_watch_.last_round_ms()) {
    report.last_round_age_ms = uv_now(&loop_) - *last;
  }
  return report;
}

std::vector<std::string> Daemon::cache_dump() const { return answer_cache_.dump(uv_now(&loop_)); }

std::vector<std::string> Daemon::cache_lookup(dns::Bytes name, uint16_t qtype) const {
  return answer_cache_.lookup(name, qtype, uv_now(&loop_));
}

FlushResult Daemon::cache_flush(std::optional<dns::Bytes> name, bool subtree) {
  FlushResult flushed;
  if (name) {
    flushed.answers = answer_cache_.flush(*name, subtree);
  } else {
    flushed.answers = answer_cache_.size();
    answer_cache_.clear();
  }
  // The bogus cache is kept by question, not by name: a repaired zone must not wait out
  // bogus-ttl, so every remembered failure goes.
  flushed.failures = bogus_cache_.size();
  bogus_cache_.clear();
  log_.main->info("control: cache flush {}{}: {} answer(s), {} remembered failure(s)",
                  name ? dns::to_text(*name) : std::string("(everything)"),
                  subtree ? " and below" : "", flushed.answers, flushed.failures);
  return flushed;
}

void Daemon::set_log_level(const std::string& level) {
  vigil::set_log_level(log_, level);
  if (level != log_level_) log_.main->info("log level {} (was {})", level, log_level_);
  log_level_ = level;
}

}  // namespace vigil
