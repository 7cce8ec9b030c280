// The daemon: owns the main event loop and the workers that serve clients (daemon/worker.h;
// worker 0 runs on the main loop), and handles on the main loop what is process-wide: signals
// (TERM/INT stop, HUP reload, USR1 logs the counters), the control socket, trust anchor tracking,
// pin-watch, the clock watch and the service manager. What touches a worker's state reaches it
// through Worker::call.
#pragma once

#include <uv.h>

#include <memory>
#include <vector>

#include "daemon/anchor_tracker.h"
#include "daemon/clock_watch.h"
#include "daemon/pin_watch.h"
#include "daemon/config/config_loader.h"
#include "daemon/control/control_server.h"
#include "daemon/control/control_target.h"
#include "daemon/log.h"
#include "daemon/stats.h"
#include "daemon/uv_handles.h"
#include "daemon/worker.h"

namespace vigil {

class Daemon : public ControlTarget {
 public:
  Daemon(CommandLine command_line, Config config, const Loggers& loggers);
  ~Daemon() override;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Binds the listeners (throws std::runtime_error if one cannot be bound), then serves until
  // SIGTERM or SIGINT. Returns the process exit code.
  int run();

  // Reads the configuration again (SIGHUP, vigilctl reload); on an error the running one stays.
  ReloadResult reload() override;

  // What vigilctl asks (daemon_control.cc).
  StatusReport status() const override;
  const Stats& stats() override;  // summed over the workers
  const Config& config() const override { return *config_; }
  PinWatchReport pin_watch() const override;
  std::vector<std::string> cache_dump() const override;
  std::vector<std::string> cache_lookup(dns::Bytes name, uint16_t qtype) const override;
  FlushResult cache_flush(std::optional<dns::Bytes> name, bool subtree) override;
  void explain(dns::Bytes name, uint16_t qtype,
               std::function<void(std::vector<std::string>)> done) override;
  std::vector<std::string> anchors() const override;
  std::string insecure_add(const std::string& name, uint32_t seconds) override;
  bool insecure_remove(const std::string& name) override;
  std::vector<std::string> insecure_list() const override;
  std::string log_level() const override { return log_level_; }
  void set_log_level(const std::string& level) override;

 private:
  Worker& main_worker() { return *workers_.front(); }
  const Worker& main_worker() const { return *workers_.front(); }
  QueryPipeline& pipeline() const { return workers_.front()->pipeline(); }
  // Runs `work(worker)` on every worker's loop thread in turn, waiting for each.
  template <typename Work>
  void for_each_worker(Work work) const {
    for (const auto& worker : workers_) worker->call([&] { work(*worker); });
  }
  void start_workers();
  void stop_workers();
  std::shared_ptr<SSL_CTX> reload_tls_certificate(ReloadResult& result);
  void start_control();
  void stop();
  void warn_about(const Config& config) const;
  void set_trust_anchors(const Config& config);
  void rebuild_anchor_set(const Config& config);
  void start_anchor_tracking();
  void start_pin_watch();
  void watch_the_clock();
  bool drop_root();
  std::string last_good_time_path() const;
  void check_the_clock_against_last_good_time();
  void record_last_good_time();
  void probe_upstreams();
  void report_status();
  std::string status_text() const;

  uv_loop_t loop_{};
  CommandLine command_line_;
  std::shared_ptr<const Config> config_;
  const Loggers& log_;
  // workers_[0] runs on loop_; config threads says how many there are (read at start-up only).
  std::vector<std::unique_ptr<Worker>> workers_;
  Stats summed_;  // what stats() last summed
  AnchorTracker anchor_tracker_;
  bool serves_tls_ = false;  // tls:// listeners were started
  std::vector<std::unique_ptr<SignalWatcher>> signals_;
  ClockWatch clock_watch_;
  PinWatch pin_watch_;
  std::unique_ptr<Timer> clock_timer_;
  // systemd's READY=1 waits until an upstream has answered this probe.
  std::unique_ptr<Timer> probe_timer_;
  bool ready_ = false;
  uint64_t probe_started_ms_ = 0;
  int64_t clock_behind_s_ = 0;      // the clock at start was this far behind the last good time
  int64_t last_good_recorded_ = 0;  // what the state file holds
  std::string last_status_;
  std::vector<NegativeAnchor> runtime_negative_anchors_;  // vigilctl insecure add
  std::unique_ptr<ControlServer> control_;  // none when disabled or it could not be bound
  std::string log_level_;                   // as set by the config or vigilctl log-level
  uint64_t started_ms_ = 0;                 // the loop's clock when run() began
};

}  // namespace vigil
