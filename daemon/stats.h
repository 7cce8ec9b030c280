// The daemon's counters, owned by the Daemon and passed by reference: no globals.
#pragma once

#include <array>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

namespace vigil {

// validator::Reason's values (daemon/stats.cc checks the count against it).
inline constexpr std::size_t kVerdictReasons = 15;

struct Stats {
  // Client side.
  uint64_t client_queries_udp = 0;
  uint64_t client_queries_tcp = 0;
  uint64_t client_dropped = 0;  // too short, a response, or denied
  uint64_t formerr = 0, notimp = 0, refused = 0, badvers = 0, any_answered = 0;
  uint64_t answers = 0, servfail = 0, truncated = 0;
  uint64_t deduplicated = 0;  // client queries that joined an identical one in flight
  uint64_t cache_hits = 0;  // answered from the answer cache, no upstream query
  uint64_t cache_misses = 0;     // client queries the answer cache could not answer
  uint64_t cache_conflicts = 0;  // answers not cached: a cached RRset outranks theirs
  // Read off the cache when the counters are reported (refreshed by the daemon).
  uint64_t cache_evictions = 0, cache_bytes = 0, cache_entries = 0;
  uint64_t prefetches = 0;       // refreshes of popular answers shortly before they expire
  uint64_t stale_answers = 0;  // RFC 8767: expired answers served when no upstream answered
  uint64_t pinned_answers = 0;  // answered from a pin, never from upstream
  uint64_t guard_blocked = 0;   // answers refused for an address outside a guard
  uint64_t pin_mismatches = 0;  // pin-watch: live answers that disagreed with a pin
  uint64_t tcp_connections = 0, tcp_rejected = 0, tcp_slow_closed = 0, tcp_idle_closed = 0;

  // Upstream side.
  uint64_t upstream_queries_udp = 0, upstream_queries_tcp = 0;
  uint64_t upstream_timeouts = 0, upstream_errors = 0;
  uint64_t tc_retries = 0;
  uint64_t near_misses = 0, unwanted_replies = 0;
  uint64_t spoofing_alerts = 0;  // near-miss threshold reached for an upstream
  uint64_t scrubbed_rrsets = 0;  // RRsets dropped from upstream answers (THREATS rule 9)

  // DNSSEC: verdicts on upstream answers (answers relayed with CD=1 are not counted).
  uint64_t secure = 0, insecure = 0, bogus = 0;
  uint64_t bogus_cached = 0;  // SERVFAILs answered from the bogus cache (RFC 9520)
  uint64_t validation_step_max_us = 0;  // the longest one validation step held the loop

  // Breakdowns: client queries by type, replies by rcode, verdicts by reason. Reported as
  // queries_type_a, replies_rcode_nxdomain, verdict_reason_signature_expired, ...
  static constexpr uint16_t kCountedTypes[] = {1, 28, 5, 15, 16, 2, 6, 12, 33, 64, 65, 43, 48};
  std::array<uint64_t, std::size(kCountedTypes) + 1> queries_by_type{};  // last: other types
  std::array<uint64_t, 6> replies_by_rcode{};  // NOERROR..REFUSED (0-5); others go to SERVFAIL's
  std::array<uint64_t, kVerdictReasons> verdicts_by_reason{};  // index: validator::Reason
  void count_query_type(uint16_t qtype);
  void count_reply_rcode(uint8_t rcode) { ++replies_by_rcode[rcode < 6 ? rcode : 2]; }

  // With several workers (config key threads): each one's client queries, reported as
  // queries_worker_0, queries_worker_1, ...; empty with one.
  std::vector<uint64_t> worker_queries;

  // Adds another worker's counters (the longest validation step is the longer of the two).
  void add(const Stats& other);

  uint64_t client_queries() const { return client_queries_udp + client_queries_tcp; }
  uint64_t upstream_queries() const { return upstream_queries_udp + upstream_queries_tcp; }
  std::string to_line() const;  // "key=value ..." for the SIGUSR1 log line
};

}  // namespace vigil
