// Named loggers, one per component, and the security event channel: one line per event in a
// stable "event=NAME key=value ..." form that an operator can grep and ship.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace vigil {

struct Loggers {
  std::shared_ptr<spdlog::logger> main;      // "vigild": start, stop, reload, stats
  std::shared_ptr<spdlog::logger> net;       // listeners
  std::shared_ptr<spdlog::logger> upstream;  // the upstream client
  std::shared_ptr<spdlog::logger> security;  // security events only
  bool journal = false;                       // stderr is the systemd journal
};

// Creates the loggers on stderr. Throws on an unknown level name.
Loggers make_loggers(const std::string& level);
void set_log_level(const Loggers& loggers, const std::string& level);
bool is_log_level(const std::string& level);

// Security events, rate-limited so that a flood of forged packets cannot flood the log: at most
// kMaxEventsPerSecond lines a second, then one line saying how many were suppressed.
class SecurityLog {
 public:
  static constexpr unsigned kMaxEventsPerSecond = 50;
  explicit SecurityLog(const Loggers& loggers)
      : logger_(loggers.security), journal_(loggers.journal) {}

  // `fields` is "key=value key=value"; the line reads "event=NAME fields".
  void event(std::string_view name, const std::string& fields);

  // The same, for events that come in bursts on the query path (scrubbed records): the fields
  // are only formatted for an event that is not suppressed.
  template <typename MakeFields>
  void event_lazily(std::string_view name, MakeFields make_fields) {
    if (admit()) write(name, make_fields());
  }

 private:
  bool admit();  // counts the event against the rate limit; false if it is suppressed
  void write(std::string_view name, const std::string& fields);

  std::shared_ptr<spdlog::logger> logger_;
  bool journal_ = false;
  std::chrono::steady_clock::time_point window_start_{};
  unsigned in_window_ = 0;
  uint64_t suppressed_ = 0;
};

}  // namespace vigil
