#include "daemon/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>

#include "daemon/service_manager.h"

#include <stdexcept>

namespace vigil {

bool is_log_level(const std::string& level) {
  return spdlog::level::from_str(level) != spdlog::level::off || level == "off";
}

Loggers make_loggers(const std::string& level) {
  // Under systemd the journal keeps time, level and the logger's name in fields of its own.
  const bool journal = service::is_journal_stream();
  spdlog::sink_ptr sink;
  if (journal) {
    sink = std::make_shared<spdlog::sinks::systemd_sink_mt>("vigild");
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  auto make = [&](const char* name) {
    auto logger = std::make_shared<spdlog::logger>(name, sink);
    logger->set_pattern(journal ? "[%n] %v" : "%Y-%m-%dT%H:%M:%S.%eZ [%n] %l: %v",
                        spdlog::pattern_time_type::utc);
    logger->flush_on(spdlog::level::trace);
    return logger;
  };
  Loggers loggers{make("vigild"), make("net"), make("upstream"), make("security")};
  loggers.journal = journal;
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
  if (admit()) write(name, fields);
}

bool SecurityLog::admit() {
  const auto now = std::chrono::steady_clock::now();
  if (now - window_start_ >= std::chrono::seconds(1)) {
    if (suppressed_ > 0) {
      write("events_suppressed", "count=" + std::to_string(suppressed_));
      suppressed_ = 0;
    }
    window_start_ = now;
    in_window_ = 0;
  }
  if (++in_window_ > kMaxEventsPerSecond) {
    ++suppressed_;
    return false;
  }
  return true;
}

void SecurityLog::write(std::string_view name, const std::string& fields) {
  // In the journal each event carries its MESSAGE_ID and its fields as VIGIL_* fields.
  if (journal_ && logger_->should_log(spdlog::level::warn) &&
      service::send_to_journal(name, fields)) {
    return;
  }
  logger_->warn("event={} {}", name, fields);
}

}  // namespace vigil
