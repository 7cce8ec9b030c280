#include "daemon/control/stats_text.h"

#include <array>
#include <sstream>
#include <string_view>

namespace vigil {

namespace {

struct CounterHelp {
  std::string_view name;
  std::string_view help;
};

// The README's "Statistics" table, one line each.
constexpr std::array kHelp = {
    CounterHelp{"client_queries", "Queries received from clients."},
    CounterHelp{"client_queries_udp", "Queries received from clients over UDP."},
    CounterHelp{"client_queries_tcp", "Queries received from clients over TCP."},
    CounterHelp{"client_dropped",
                "Client packets dropped without an answer (too short, a response, or denied)."},
    CounterHelp{"formerr", "FORMERR replies vigild wrote itself."},
    CounterHelp{"notimp", "NOTIMP replies vigild wrote itself."},
    CounterHelp{"refused", "REFUSED replies vigild wrote itself, access-control included."},
    CounterHelp{"badvers", "BADVERS replies vigild wrote itself."},
    CounterHelp{"any_answered", "ANY queries answered with the RFC 8482 record."},
    CounterHelp{"answers", "Client answers relayed from an upstream."},
    CounterHelp{"servfail", "SERVFAIL answers written because no upstream answered."},
    CounterHelp{"truncated", "Relayed answers sent with TC set."},
    CounterHelp{"deduplicated", "Client queries that joined an identical question in flight."},
    CounterHelp{"cache_hits", "Client queries answered from the answer cache."},
    CounterHelp{"cache_misses", "Client queries the answer cache could not answer."},
    CounterHelp{"cache_evictions", "Cache entries (answers and RRsets) evicted for the byte budget."},
    CounterHelp{"cache_bytes", "Bytes the answer and RRset caches hold now."},
    CounterHelp{"cache_entries", "Answers in the cache now."},
    CounterHelp{"cache_conflicts", "Answers not cached: a cached RRset outranks one of theirs."},
    CounterHelp{"prefetches", "Background refreshes of cached answers about to expire."},
    CounterHelp{"stale_answers", "Expired answers served (RFC 8767) because no upstream answered."},
    CounterHelp{"pinned_answers", "Client queries answered from a pin."},
    CounterHelp{"guard_blocked", "Answers refused because an address was outside a guard."},
    CounterHelp{"pin_mismatches", "pin-watch answers that disagreed with a pin."},
    CounterHelp{"tcp_connections", "Client TCP connections accepted."},
    CounterHelp{"tcp_rejected", "Client TCP connections closed at once for tcp-max-connections."},
    CounterHelp{"tcp_slow_closed", "Client TCP connections closed for tcp-max-buffered-bytes."},
    CounterHelp{"tcp_idle_closed", "Client TCP connections closed for tcp-idle-timeout."},
    CounterHelp{"upstream_queries", "Queries sent upstream."},
    CounterHelp{"upstream_queries_udp", "Queries sent upstream over UDP."},
    CounterHelp{"upstream_queries_tcp", "Queries sent upstream over TCP (DNS over TLS included)."},
    CounterHelp{"upstream_timeouts", "Upstream attempts and client queries that timed out."},
    CounterHelp{"upstream_errors", "Network errors towards upstreams."},
    CounterHelp{"tc_retries", "Truncated UDP replies asked again over TCP."},
    CounterHelp{"near_misses", "Replies that almost matched a query (near_miss events)."},
    CounterHelp{"unwanted_replies", "Packets that were no usable reply (unwanted_reply events)."},
    CounterHelp{"spoofing_alerts", "spoofing_suspected alerts raised."},
    CounterHelp{"scrubbed_rrsets", "RRsets dropped from upstream answers by scrubbing."},
    CounterHelp{"secure", "Upstream answers validated as secure."},
    CounterHelp{"insecure", "Upstream answers proven insecure."},
    CounterHelp{"bogus", "Upstream answers that failed DNSSEC validation."},
    CounterHelp{"bogus_cached", "SERVFAILs answered from the bogus cache (RFC 9520)."},
    CounterHelp{"validation_step_max_us",
                "The longest time one validation step held the event loop, in microseconds."},
};

// Values that are not counts of events: a maximum, and the cache's size now.
bool is_gauge(const std::string& name) {
  return name == "validation_step_max_us" || name == "cache_bytes" || name == "cache_entries";
}

}  // namespace

std::vector<std::pair<std::string, uint64_t>> stats_counters(const Stats& stats) {
  std::vector<std::pair<std::string, uint64_t>> counters;
  std::istringstream words(stats.to_line());
  std::string word;
  while (words >> word) {
    const auto equals = word.find('=');
    if (equals == std::string::npos) continue;
    counters.emplace_back(word.substr(0, equals), std::stoull(word.substr(equals + 1)));
  }
  return counters;
}

std::vector<std::string> stats_lines(const Stats& stats) {
  std::vector<std::string> lines;
  for (const auto& [name, value] : stats_counters(stats)) {
    lines.push_back(name + " " + std::to_string(value));
  }
  return lines;
}

// The breakdowns (stats.h) are one labelled family each in Prometheus:
// queries_type_aaaa becomes vigil_queries_total{type="aaaa"}.
struct Family {
  std::string_view prefix;  // of the flat name
  std::string_view metric;  // the family's name
  std::string_view label;
  std::string_view help;
};
constexpr Family kFamilies[] = {
    {"queries_type_", "vigil_queries_by_type_total", "type",
     "Client queries by type (other: every type not listed)."},
    {"replies_rcode_", "vigil_replies_by_rcode_total", "rcode",
     "Replies sent to clients by rcode."},
    {"verdict_reason_", "vigil_verdicts_by_reason_total", "reason",
     "DNSSEC verdicts on upstream answers by reason (insecure and bogus reasons)."},
    {"queries_worker_", "vigil_queries_by_worker_total", "worker",
     "Client queries by worker (config key threads)."},
};

const Family* family_of(const std::string& name) {
  for (const auto& family : kFamilies) {
    if (name.starts_with(family.prefix)) return &family;
  }
  return nullptr;
}

bool has_counter_help(const std::string& name) {
  if (family_of(name) != nullptr) return true;
  for (const auto& entry : kHelp) {
    if (entry.name == name) return true;
  }
  return false;
}

std::string counter_help(const std::string& name) {
  for (const auto& entry : kHelp) {
    if (entry.name == name) return std::string(entry.help);
  }
  return "vigild counter " + name + ".";
}

std::vector<std::string> prometheus_lines(const Stats& stats) {
  std::vector<std::string> lines;
  const Family* open_family = nullptr;
  for (const auto& [name, value] : stats_counters(stats)) {
    if (const Family* family = family_of(name)) {
      if (family != open_family) {
        lines.push_back("# HELP " + std::string(family->metric) + " " + std::string(family->help));
        lines.push_back("# TYPE " + std::string(family->metric) + " counter");
        open_family = family;
      }
      lines.push_back(std::string(family->metric) + "{" + std::string(family->label) + "=\"" +
                      name.substr(family->prefix.size()) + "\"} " + std::to_string(value));
      continue;
    }
    const bool gauge = is_gauge(name);
    // Prometheus naming: a counter's name ends in _total.
    const std::string metric = "vigil_" + name + (gauge ? "" : "_total");
    lines.push_back("# HELP " + metric + " " + counter_help(name));
    lines.push_back("# TYPE " + metric + (gauge ? " gauge" : " counter"));
    lines.push_back(metric + " " + std::to_string(value));
  }
  return lines;
}

}  // namespace vigil
