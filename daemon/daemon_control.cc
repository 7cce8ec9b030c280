// The Daemon's side of the control socket: what vigilctl's commands read and change
// (daemon/control/control_target.h). Main loop thread only; what lives in the workers (caches,
// in-flight tasks, counters) is read and changed on each worker's own thread (Worker::call).
#include "daemon/daemon.h"

#include <algorithm>
#include <ctime>

#include "daemon/config/negative_anchor.h"
#include "dns/name.h"
#include "dns/query.h"
#include "dns/types.h"

namespace vigil {

StatusReport Daemon::status() const {
  const uint64_t now = uv_now(&loop_);
  StatusReport report;
  report.version = VIGIL_VERSION;
  report.uptime_s = (now - started_ms_) / 1000;
  for (const auto& address : config_->listen) report.listen.push_back(address.to_string());
  for (const auto& address : config_->listen_tls) {
    report.listen.push_back("tls://" + address.to_string());
  }
  report.control_socket = config_->control_socket;
  // Upstream health is per worker: worker 0's, on this loop, stands for all.
  for (const auto& group : pipeline().routing().groups()) {
    for (const auto& upstream : group->upstreams) {
      const UpstreamHealth& health = upstream->health;
      UpstreamReport line{group->zone, upstream->name(), health.is_measured(),
                          health.srtt_ms(), health.consecutive_failures(),
                          health.is_backed_off(now) ? health.backoff_until_ms() - now : 0};
      if (upstream->tls) {
        const TlsStatus& tls = upstream->tls->status();
        line.tls = true;
        line.tls_subject = tls.subject;
        line.tls_spki = tls.spki ? spki_pin_text(*tls.spki) : "";
        line.tls_pin_match = !tls.pin_matched ? "unpinned" : *tls.pin_matched ? "yes" : "no";
        line.tls_connection = tls.state;
        line.tls_error = tls.last_error;
      }
      report.upstreams.push_back(std::move(line));
    }
  }
  report.dnssec = config_->dnssec;
  report.trust_anchors = anchor_tracker_.trusted().size();
  report.negative_anchors = config_->negative_anchors.size() + runtime_negative_anchors_.size();
  report.cache_size = config_->cache_size;
  for_each_worker([&](Worker& worker) {
    report.cache_entries += worker.answers().size();
    report.bogus_entries += worker.bogus_cache().size();
    report.in_flight += worker.pipeline().in_flight();
  });
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

// Each worker's cache in turn (with several workers, a name may be in more than one).
std::vector<std::string> Daemon::cache_dump() const {
  std::vector<std::string> lines;
  for_each_worker([&](Worker& worker) {
    auto dumped = worker.answers().dump(uv_now(worker.loop()));
    lines.insert(lines.end(), std::make_move_iterator(dumped.begin()),
                 std::make_move_iterator(dumped.end()));
  });
  return lines;
}

std::vector<std::string> Daemon::cache_lookup(dns::Bytes name, uint16_t qtype) const {
  std::vector<std::string> lines;
  for_each_worker([&](Worker& worker) {
    auto found = worker.answers().lookup(name, qtype, uv_now(worker.loop()));
    lines.insert(lines.end(), std::make_move_iterator(found.begin()),
                 std::make_move_iterator(found.end()));
  });
  return lines;
}

FlushResult Daemon::cache_flush(std::optional<dns::Bytes> name, bool subtree) {
  FlushResult flushed;
  for_each_worker([&](Worker& worker) {
    cache::AnswerCache& answers = worker.answers();
    if (name) {
      flushed.answers += answers.flush(*name, subtree);
    } else {
      flushed.answers += answers.size();
      answers.clear();
    }
    // The bogus cache is kept by question, not by name: a repaired zone must not wait out
    // bogus-ttl, so every remembered failure goes.
    flushed.failures += worker.bogus_cache().size();
    worker.bogus_cache().clear();
  });
  log_.main->info("control: cache flush {}{}: {} answer(s), {} remembered failure(s)",
                  name ? dns::to_text(*name) : std::string("(everything)"),
                  subtree ? " and below" : "", flushed.answers, flushed.failures);
  return flushed;
}

// A client's question with RD and AD set (RFC 6840 5.7: AD in a query asks for AD in the
// answer), without DO: the story shows whether it validated without the signatures' noise.
void Daemon::explain(dns::Bytes name, uint16_t qtype,
                     std::function<void(std::vector<std::string>)> done) {
  const auto wire_name = dns::WireName::from_wire(name);
  if (!wire_name) return done({"not a name"});
  dns::QueryInfo query;
  query.flags = dns::flag::RD | dns::flag::AD;
  query.qname = *wire_name;
  query.qtype = qtype;
  query.qclass = dns::rrclass::IN;
  query.has_edns = true;
  query.udp_size = 65535;
  log_.main->info("control: explain {} type {}", dns::to_text(name), qtype);
  pipeline().explain(query, std::move(done));  // worker 0's, on this loop
}

std::vector<std::string> Daemon::anchors() const {
  return anchor_tracker_.report(static_cast<int64_t>(std::time(nullptr)));
}

std::string Daemon::insecure_add(const std::string& name, uint32_t seconds) {
  const int64_t expires = static_cast<int64_t>(std::time(nullptr)) + seconds;
  std::erase_if(runtime_negative_anchors_, [&](const NegativeAnchor& a) { return a.name == name; });
  runtime_negative_anchors_.push_back(
      NegativeAnchor{name, {}, expires, "vigilctl insecure add " + name});
  rebuild_anchor_set(*config_);  // forgets what was validated under the old anchors
  log_.main->warn("control: negative trust anchor {} for {} s: its answers are not validated",
                  name, seconds);
  return "added a negative trust anchor for " + name + ", expires in " + std::to_string(seconds) +
         "s";
}

bool Daemon::insecure_remove(const std::string& name) {
  if (std::erase_if(runtime_negative_anchors_,
                    [&](const NegativeAnchor& a) { return a.name == name; }) == 0) {
    return false;
  }
  rebuild_anchor_set(*config_);
  log_.main->info("control: negative trust anchor {} removed", name);
  return true;
}

std::vector<std::string> Daemon::insecure_list() const {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::vector<std::string> lines;
  const auto add = [&](const NegativeAnchor& anchor, const char* source) {
    if (anchor.expires && *anchor.expires <= now) return;  // no longer in force
    lines.push_back(anchor.name + " source=" + source + " expires=" +
                    (anchor.expires ? "in-" + std::to_string(*anchor.expires - now) + "s"
                                    : std::string("never")));
  };
  std::vector<std::string> defaults;
  for (const auto& anchor : default_negative_anchors()) defaults.push_back(anchor.name);
  for (const auto& anchor : config_->negative_anchors) {
    const bool rfc6303 = std::find(defaults.begin(), defaults.end(), anchor.name) != defaults.end();
    add(anchor, rfc6303 ? "rfc6303" : "config");
  }
  for (const auto& anchor : runtime_negative_anchors_) add(anchor, "vigilctl");
  if (lines.empty()) lines.push_back("; no negative trust anchors");
  return lines;
}

void Daemon::set_log_level(const std::string& level) {
  vigil::set_log_level(log_, level);
  if (level != log_level_) log_.main->info("log level {} (was {})", level, log_level_);
  log_level_ = level;
}

}  // namespace vigil
