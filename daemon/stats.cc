#include "daemon/stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "validator/verdict.h"

namespace vigil {

static_assert(static_cast<std::size_t>(validator::Reason::WorkLimit) + 1 == kVerdictReasons,
              "kVerdictReasons must match validator::Reason");

namespace {

const char* type_label(uint16_t type) {
  switch (type) {
    case 1: return "a";
    case 28: return "aaaa";
    case 5: return "cname";
    case 15: return "mx";
    case 16: return "txt";
    case 2: return "ns";
    case 6: return "soa";
    case 12: return "ptr";
    case 33: return "srv";
    case 64: return "svcb";
    case 65: return "https";
    case 43: return "ds";
    case 48: return "dnskey";
    default: return "other";
  }
}

constexpr const char* kRcodeLabels[] = {"noerror", "formerr", "servfail", "nxdomain", "notimp",
                                        "refused"};

}  // namespace

void Stats::count_query_type(uint16_t qtype) {
  for (std::size_t i = 0; i < std::size(kCountedTypes); ++i) {
    if (kCountedTypes[i] == qtype) {
      ++queries_by_type[i];
      return;
    }
  }
  ++queries_by_type.back();
}

void Stats::add(const Stats& other) {
  for (auto [mine, theirs] : {
           std::pair{&client_queries_udp, other.client_queries_udp},
           {&client_queries_tcp, other.client_queries_tcp},
           {&client_dropped, other.client_dropped}, {&formerr, other.formerr},
           {&notimp, other.notimp}, {&refused, other.refused}, {&badvers, other.badvers},
           {&any_answered, other.any_answered}, {&answers, other.answers},
           {&servfail, other.servfail}, {&truncated, other.truncated},
           {&deduplicated, other.deduplicated}, {&cache_hits, other.cache_hits},
           {&cache_misses, other.cache_misses}, {&cache_conflicts, other.cache_conflicts},
           {&cache_evictions, other.cache_evictions}, {&cache_bytes, other.cache_bytes},
           {&cache_entries, other.cache_entries}, {&prefetches, other.prefetches},
           {&stale_answers, other.stale_answers}, {&pinned_answers, other.pinned_answers},
           {&guard_blocked, other.guard_blocked}, {&pin_mismatches, other.pin_mismatches},
           {&tcp_connections, other.tcp_connections}, {&tcp_rejected, other.tcp_rejected},
           {&tcp_slow_closed, other.tcp_slow_closed}, {&tcp_idle_closed, other.tcp_idle_closed},
           {&upstream_queries_udp, other.upstream_queries_udp},
           {&upstream_queries_tcp, other.upstream_queries_tcp},
           {&upstream_timeouts, other.upstream_timeouts},
           {&upstream_errors, other.upstream_errors}, {&tc_retries, other.tc_retries},
           {&near_misses, other.near_misses}, {&unwanted_replies, other.unwanted_replies},
           {&spoofing_alerts, other.spoofing_alerts}, {&scrubbed_rrsets, other.scrubbed_rrsets},
           {&secure, other.secure}, {&insecure, other.insecure}, {&bogus, other.bogus},
           {&bogus_cached, other.bogus_cached}}) {
    *mine += theirs;
  }
  validation_step_max_us = std::max(validation_step_max_us, other.validation_step_max_us);
  for (std::size_t i = 0; i < queries_by_type.size(); ++i) {
    queries_by_type[i] += other.queries_by_type[i];
  }
  for (std::size_t i = 0; i < replies_by_rcode.size(); ++i) {
    replies_by_rcode[i] += other.replies_by_rcode[i];
  }
  for (std::size_t i = 0; i < verdicts_by_reason.size(); ++i) {
    verdicts_by_reason[i] += other.verdicts_by_reason[i];
  }
}

std::string Stats::to_line() const {
  std::string line = fmt::format(
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
  for (std::size_t i = 0; i < queries_by_type.size(); ++i) {
    line += fmt::format(" queries_type_{}={}",
                        type_label(i < std::size(kCountedTypes) ? kCountedTypes[i] : 0),
                        queries_by_type[i]);
  }
  for (std::size_t i = 0; i < replies_by_rcode.size(); ++i) {
    line += fmt::format(" replies_rcode_{}={}", kRcodeLabels[i], replies_by_rcode[i]);
  }
  for (std::size_t i = 1; i < verdicts_by_reason.size(); ++i) {  // 0: secure, no reason
    line += fmt::format(" verdict_reason_{}={}",
                        validator::to_string(static_cast<validator::Reason>(i)),
                        verdicts_by_reason[i]);
  }
  for (std::size_t i = 0; i < worker_queries.size(); ++i) {
    line += fmt::format(" queries_worker_{}={}", i, worker_queries[i]);
  }
  return line;
}

}  // namespace vigil
