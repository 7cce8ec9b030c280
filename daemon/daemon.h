// The daemon: owns the event loop and everything on it, wires listeners to the pipeline, and
// handles signals (TERM/INT stop, HUP reload, USR1 logs the counters).
#pragma once

#include <uv.h>

#include <memory>
#include <vector>

#include "daemon/anchor_tracker.h"
#include "daemon/clock_watch.h"
#include "daemon/pin_watch.h"
#include "daemon/config/config_loader.h"
#include "daemon/csprng.h"
#include "daemon/log.h"
#include "daemon/net/tcp_listener.h"
#include "daemon/net/udp_listener.h"
#include "daemon/pipeline/query_pipeline.h"
#include "daemon/stats.h"
#include "daemon/uv_handles.h"

namespace vigil {

class Daemon {
 public:
  Daemon(CommandLine command_line, Config config, const Loggers& loggers);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Binds the listeners (throws std::runtime_error if one cannot be bound), then serves until
  // SIGTERM or SIGINT. Returns the process exit code.
  int run();

 private:
  void start_listeners();
  void reload();
  void stop();
  void warn_about(const Config& config) const;
  void set_trust_anchors(const Config& config);
  void rebuild_anchor_set(const Config& config);
  void start_anchor_tracking();
  void start_pin_watch();
  void watch_the_clock();
  bool drop_root();
  void probe_upstreams();
  void report_status();
  std::string status_text() const;

  uv_loop_t loop_{};
  CommandLine command_line_;
  std::shared_ptr<const Config> config_;
  const Loggers& log_;
  SecurityLog security_;
  Stats stats_;
  Csprng random_;
  std::vector<uint8_t> receive_buffer_;
  cache::KeyCache key_cache_;
  cache::BogusCache bogus_cache_;
  cache::AnswerCache answer_cache_;
  NearMissWatch near_miss_watch_{10};
  ValidationSetup validation_;
  AnchorTracker anchor_tracker_;
  TaskContext context_;
  std::unique_ptr<QueryPipeline> pipeline_;
  std::vector<std::unique_ptr<UdpListener>> udp_listeners_;
  std::vector<std::unique_ptr<TcpListener>> tcp_listeners_;
  std::vector<std::unique_ptr<SignalWatcher>> signals_;
  ClockWatch clock_watch_;
  PinWatch pin_watch_;
  std::unique_ptr<Timer> clock_timer_;
  // systemd's READY=1 waits until an upstream has answered this probe.
  std::unique_ptr<Timer> probe_timer_;
  bool ready_ = false;
  std::string last_status_;
};

}  // namespace vigil
