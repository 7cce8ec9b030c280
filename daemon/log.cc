#include "daemon/log.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <stdexcept>

namespace vigil {

bool is_log_level(const std::string& level) {
  return spdlog::level::from_str(level) != spdlog::level::off || level == "off";
}

Loggers make_loggers(const std::string& level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto make = [&](const char* name) {
    auto logger = std::make_shared<spdlog::logger>(name, sink);
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ [%n] %l: %v", spdlog::pattern_time_type::utc);
    logger->flush_on(spdlog::level::trace);
    return logger;
  };
  Loggers loggers{make("vigild"), make("net"), make("upstream"), make("security")};
  set_log_level(loggers, level);
  return loggers;
}

void set_log_level(const Loggers& loggers, const std::string& level) {
  if (!is_log_level(level)) throw std::invalid_argument("unknown log level " + level);
  const auto parsed = spdlog::level::from_str(level);
  for (const auto& logger : {loggers.main, loggers.net, loggers.upstream}) logger->set_level(parsed);
  // Security events are never hidden by a quiet log level, except "off".
  loggers.security->set_level(level == "off" ? spdlog::level::off : spdlog::level::trace);
}

void SecurityLog::event(std::string_view name, const std::string& fields) {
  const auto now = std::chrono::steady_clock::now();
  if (now - window_start_ >= std::chrono::seconds(1)) {
    if (suppressed_ > 0) {
      logger_->warn("event=events_suppressed count={}", suppressed_);
      suppressed_ = 0;
    }
    window_start_ = now;
    in_window_ = 0;
  }
  if (++in_window_ > kMaxEventsPerSecond) {
    ++suppressed_;
    return;
  }
  logger_->warn("event={} {}", name, fields);
}

}  // namespace vigil
