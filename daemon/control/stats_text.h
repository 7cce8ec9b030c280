// The counters as `vigilctl stats` prints them: "name value" lines, or the Prometheus text
// exposition format. Both come from Stats::to_line(), so a new counter shows up in both.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "daemon/stats.h"

namespace vigil {

// Every counter in Stats::to_line() order.
std::vector<std::pair<std::string, uint64_t>> stats_counters(const Stats& stats);

// "client_queries 12", one line per counter.
std::vector<std::string> stats_lines(const Stats& stats);

// Prometheus text exposition format 0.0.4: for each counter a "# HELP", a "# TYPE" and one
// sample, named vigil_NAME_total; validation_step_max_us is a gauge, vigil_validation_step_max_us.
std::vector<std::string> prometheus_lines(const Stats& stats);

// The help text of a counter, as in the README's table; a generic text for a counter without
// one (a test checks that every counter has one).
std::string counter_help(const std::string& name);
bool has_counter_help(const std::string& name);

}  // namespace vigil
