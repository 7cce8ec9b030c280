#include "daemon/stats.h"

#include <fmt/format.h>

namespace vigil {

std::string Stats::to_line() const {
  return fmt::format(
      "client_queries={} client_queries_udp={} client_queries_tcp={} client_dropped={} "
      "formerr={} notimp={} refused={} badvers={} any_answered={} answers={} servfail={} "
      "truncated={} deduplicated={} cache_hits={} cache_misses={} cache_evictions={} cache_bytes={} cache_entries={} cache_conflicts={} prefetches={} stale_answers={} pinned_answers={} guard_blocked={} pin_mismatches={} tcp_connections={} tcp_rejected={} tcp_slow_closed={} "
      "tcp_idle_closed={} upstream_queries={} upstream_queries_udp={} upstream_queries_tcp={} "
      "upstream_timeouts={} upstream_errors={} tc_retries={} near_misses={} unwanted_replies={} spoofing_alerts={} scrubbed_rrsets={} "
      "secure={} insecure={} bogus={} bogus_cached={} validation_step_max_us={}",
      client_queries(), client_queries_udp, client_queries_tcp, client_dropped, formerr, notimp,
      refused, badvers, any_answered, answers, servfail, truncated, deduplicated, cache_hits, cache_misses, cache_evictions, cache_bytes, cache_entries, cache_conflicts, prefetches, stale_answers, pinned_answers, guard_blocked, pin_mismatches, tcp_connections,
      tcp_rejected, tcp_slow_closed, tcp_idle_closed, upstream_queries(), upstream_queries_udp,
      upstream_queries_tcp, upstream_timeouts, upstream_errors, tc_retries, near_misses,
      unwanted_replies, spoofing_alerts, scrubbed_rrsets, secure, insecure, bogus, bogus_cached, validation_step_max_us);
}

}  // namespace vigil
