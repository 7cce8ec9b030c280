#include "daemon/stats.h"

#include <doctest/doctest.h>

namespace vigil {

TEST_CASE("Stats::add sums two workers' counters and keeps the longer validation step") {
  Stats first;
  first.client_queries_udp = 3;
  first.cache_hits = 2;
  first.bogus_cached = 1;
  first.validation_step_max_us = 40;
  first.count_query_type(1);
  first.count_reply_rcode(3);
  Stats second;
  second.client_queries_udp = 4;
  second.client_queries_tcp = 1;
  second.cache_hits = 5;
  second.validation_step_max_us = 25;
  second.count_query_type(1);
  second.verdicts_by_reason[2] = 7;

  first.add(second);

  CHECK(first.client_queries() == 8);
  CHECK(first.cache_hits == 7);
  CHECK(first.bogus_cached == 1);
  CHECK(first.validation_step_max_us == 40);
  CHECK(first.queries_by_type[0] == 2);
  CHECK(first.replies_by_rcode[3] == 1);
  CHECK(first.verdicts_by_reason[2] == 7);
}

TEST_CASE("Per-worker query counts appear in the counter line only with several workers") {
  Stats stats;
  CHECK(stats.to_line().find("queries_worker_") == std::string::npos);
  stats.worker_queries = {12, 30};
  const std::string line = stats.to_line();
  CHECK(line.find(" queries_worker_0=12") != std::string::npos);
  CHECK(line.find(" queries_worker_1=30") != std::string::npos);
}

}  // namespace vigil
