#include "daemon/daemon.h"

#include <csignal>
#include <ctime>

#include "daemon/control/control_commands.h"
#include "daemon/pipeline/routing.h"
#include "daemon/anchor_state_file.h"
#include "daemon/last_good_time.h"
#include "daemon/privileges.h"
#include "daemon/service_manager.h"
#include "dns/types.h"

namespace vigil {

namespace {

std::vector<std::unique_ptr<Worker>> make_workers(uv_loop_t* main_loop, const Loggers& loggers,
                                                  const std::shared_ptr<const Config>& config) {
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned index = 0; index < config->threads; ++index) {
    workers.push_back(std::make_unique<Worker>(index, config->threads,
                                               index == 0 ? main_loop : nullptr, loggers, config));
  }
  return workers;
}

std::string addresses_text(const std::vector<SocketAddress>& addresses) {
  std::string text;
  for (const auto& address : addresses) text += (text.empty() ? "" : " ") + address.to_string();
  return text.empty() ? "(none)" : text;
}

// The certificate and key of the DNS over TLS listeners, read from their files now.
std::shared_ptr<SSL_CTX> load_tls_listener_context(const Config& config, std::string& error) {
  SslCtxPtr ctx = make_tls_server_context(config.tls_certificate, config.tls_key, error);
  return {ctx.release(), SslCtxFree{}};
}

std::string listeners_text(const Config& config) {
  std::string text = addresses_text(config.listen) + " (udp, tcp)";
  if (!config.listen_tls.empty()) text += "; tls://" + addresses_text(config.listen_tls);
  return text;
}

std::string upstreams_text(const Config& config) {
  std::string text = config.upstreams.empty() ? "" : addresses_text(config.upstreams);
  for (const auto& tls : config.tls_upstreams) text += (text.empty() ? "" : " ") + tls.name();
  return text.empty() ? "(none)" : text;
}

}  // namespace

Daemon::Daemon(CommandLine command_line, Config config, const Loggers& loggers)
    : command_line_(std::move(command_line)),
      config_(std::make_shared<const Config>(std::move(config))),
      log_(loggers),
      workers_(make_workers(&loop_, loggers, config_)),
      anchor_tracker_(&loop_, loggers, config_->dnssec == DnssecMode::Validate
                                           ? config_->trust_anchor_state_dir
                                           : std::string()),
      pin_watch_(&loop_, log_, main_worker().security(), main_worker().stats()),
      log_level_(config_->log_level) {
  uv_loop_init(&loop_);
  set_trust_anchors(*config_);
}

void Daemon::set_trust_anchors(const Config& config) {
  anchor_tracker_.load(config.trust_anchors);
  rebuild_anchor_set(config);
}

// The validator's anchors: what RFC 5011 tracking trusts now (or the configured ones). Each
// worker gets a set of its own (ldns records are not shared between threads) and forgets what
// it proved under the old one.
void Daemon::rebuild_anchor_set(const Config& config) {
  std::vector<validator::NegativeTrustAnchor> negative;
  for (const auto& anchor : config.negative_anchors) negative.push_back({anchor.name, anchor.expires});
  for (const auto& anchor : runtime_negative_anchors_) negative.push_back({anchor.name, anchor.expires});
  const auto bogus_ttl_s = static_cast<uint32_t>(config.bogus_ttl.count() / 1000);
  for (const auto& worker : workers_) {
    auto anchors = std::make_shared<validator::AnchorSet>(anchor_tracker_.trusted(), negative);
    for (const auto& zone : anchor_tracker_.zones_without_keys()) anchors->keep_anchored(zone);
    worker->call([&] { worker->set_anchors(std::move(anchors), bogus_ttl_s); });
  }
}

Daemon::~Daemon() {
  control_.reset();  // removes the socket file
  stop_workers();    // the other workers' threads end (if run() did not stop them already)
  // Worker 0's tasks first (they hold reply sinks into the listeners), then its listeners, then
  // the main loop.
  main_worker().shutdown();
  signals_.clear();
  clock_timer_.reset();
  probe_timer_.reset();
  anchor_tracker_.stop();
  pin_watch_.stop();
  uv_run(&loop_, UV_RUN_DEFAULT);  // run the close callbacks
  workers_.resize(1);  // the others free their handles and close their loops (~Worker)
  uv_loop_close(&loop_);
}

// Every worker's pipeline and listeners, bound here on the main thread before any worker thread
// runs; the TLS certificate and key are read before dropping root (often readable by root only).
void Daemon::start_workers() {
  std::shared_ptr<SSL_CTX> tls;
  if (!config_->listen_tls.empty()) {
    std::string error;
    tls = load_tls_listener_context(*config_, error);
    if (!tls) throw std::runtime_error("cannot serve DNS over TLS: " + error);
    serves_tls_ = true;
  }
  for (const auto& worker : workers_) worker->start_serving(tls);
}

void Daemon::stop_workers() {
  for (const auto& worker : workers_) worker->stop_thread();
}

// A reload reads the certificate and key again (a renewed certificate); if they cannot be read
// (vigild no longer runs as root) the listeners keep the ones they have (nullptr).
std::shared_ptr<SSL_CTX> Daemon::reload_tls_certificate(ReloadResult& result) {
  if (!serves_tls_) return nullptr;
  std::string error;
  auto tls = load_tls_listener_context(*config_, error);
  if (!tls) {
    result.warnings.emplace_back("DNS over TLS keeps its previous certificate: " + error);
    log_.main->warn("reload: {}", result.warnings.back());
  }
  return tls;
}

// The control channel is a convenience: DNS service never depends on it, so a socket that cannot
// be bound is logged and vigild serves on without it.
void Daemon::start_control() {
  const std::string& path = config_->control_socket;
  if (path.empty()) return;
  std::string note;
  try {
    control_ = std::make_unique<ControlServer>(
        &loop_, path,
        [this](std::string_view request, ControlConnection::Respond respond) {
          log_.main->debug("control: {}", request);
          run_control_request(request, *this,
                              [respond = std::move(respond)](const ControlReply& reply) {
                                respond(reply.to_text());
                              });
        },
        note);
  } catch (const std::exception& error) {
    log_.main->error("control socket {}: {}; running without it (vigilctl cannot reach vigild)",
                     path, error.what());
    return;
  }
  if (!note.empty()) log_.main->info("control socket: {}", note);
  log_.main->info("control socket: listening on {}", path);
}

void Daemon::warn_about(const Config& config) const {
  if (config.dnssec == DnssecMode::Off) {
    log_.main->warn("dnssec off: answers are forwarded without validation and never carry AD");
  }
  if (!config.pins.empty()) {
    log_.main->info("pin: {} pinned record(s): those names are answered from the configuration "
                    "only", config.pins.size());
  }
}

int Daemon::run() {
  start_workers();
  started_ms_ = uv_now(&loop_);
  start_control();  // before dropping root: /run/vigil may need creating
  if (!drop_root()) return 1;
  for (const auto& worker : workers_) worker->start_thread();  // after setuid: one user for all
  check_the_clock_against_last_good_time();
  start_anchor_tracking();
  start_pin_watch();
  signals_.push_back(std::make_unique<SignalWatcher>(&loop_, SIGTERM, [this] { stop(); }));
  signals_.push_back(std::make_unique<SignalWatcher>(&loop_, SIGINT, [this] { stop(); }));
  // SIGHUP's reload logs its outcome; only vigilctl needs the returned result.
  signals_.push_back(std::make_unique<SignalWatcher>(&loop_, SIGHUP, [this] { reload(); }));
  signals_.push_back(std::make_unique<SignalWatcher>(
      &loop_, SIGUSR1, [this] { log_.main->info("stats: {}", stats().to_line()); }));
  clock_timer_ = std::make_unique<Timer>(&loop_);
  probe_timer_ = std::make_unique<Timer>(&loop_);
  watch_the_clock();
  if (service::is_supervised()) {
    probe_upstreams();
  } else {
    ready_ = true;  // nobody waits for READY=1: no probe query upstream
  }
  warn_about(*config_);
  log_.main->info("vigild {} ready: listening on {}; upstreams {}; {} forward zone(s); "
                  "dnssec {} with {} trust anchor(s){}",
                  VIGIL_VERSION, listeners_text(*config_), upstreams_text(*config_),
                  config_->forwards.size(),
                  config_->dnssec == DnssecMode::Validate ? "validate" : "off",
                  config_->trust_anchors.size(),
                  workers_.size() > 1 ? fmt::format("; {} threads", workers_.size()) : "");
  uv_run(&loop_, UV_RUN_DEFAULT);
  log_.main->info("stopped; stats: {}", stats().to_line());  // the workers still run
  stop_workers();
  return 0;
}

const Stats& Daemon::stats() {
  Stats summed;
  std::vector<uint64_t> per_worker;
  for_each_worker([&](Worker& worker) {
    const Stats counted = worker.stats_snapshot();
    summed.add(counted);
    per_worker.push_back(counted.client_queries());
  });
  if (workers_.size() > 1) summed.worker_queries = std::move(per_worker);
  summed_ = std::move(summed);
  return summed_;
}

// Once the sockets are bound, root is no longer needed (privileges.h).
bool Daemon::drop_root() {
  const auto drop = drop_privileges(config_->user, config_->user_configured,
                                    config_->dnssec == DnssecMode::Validate
                                        ? config_->trust_anchor_state_dir
                                        : std::string());
  if (!drop.error.empty()) {
    log_.main->critical("cannot run as user {}: {}", config_->user, drop.error);
    return false;
  }
  if (!drop.warning.empty()) log_.main->warn("{}", drop.warning);
  if (drop.dropped) log_.main->info("running as user {}", config_->user);
  return true;
}

// The last known good time lives beside the RFC 5011 state (last_good_time.h); it matters only
// when validating.
std::string Daemon::last_good_time_path() const {
  if (config_->dnssec != DnssecMode::Validate || config_->trust_anchor_state_dir.empty()) return {};
  return config_->trust_anchor_state_dir + "/" + kLastGoodTimeFile;
}

void Daemon::check_the_clock_against_last_good_time() {
  const std::string path = last_good_time_path();
  if (path.empty()) return;
  const auto read = read_state_file(path);
  const auto last_good = read.contents ? parse_last_good_time(*read.contents) : std::nullopt;
  const auto now = static_cast<int64_t>(std::time(nullptr));
  clock_behind_s_ = seconds_behind(now, last_good);
  if (clock_behind_s_ > 0) {
    last_good_recorded_ = *last_good;
    log_.main->error("the system clock is {} s behind the last time vigild ran ({}): DNSSEC "
                     "signatures are judged by this clock, so fix it (NTP) before trusting "
                     "validation", clock_behind_s_, path);
    main_worker().security().event("clock_behind", fmt::format("seconds={} last_good={} now={}", clock_behind_s_,
                                                *last_good, now));
    return;
  }
  record_last_good_time();
}

// Written at start, hourly and at stop; never moved backwards by a clock that went back.
void Daemon::record_last_good_time() {
  const std::string path = last_good_time_path();
  const auto now = static_cast<int64_t>(std::time(nullptr));
  if (path.empty() || now <= last_good_recorded_) return;
  if (const auto error = write_state_file(path, format_last_good_time(now)); !error.empty()) {
    log_.main->warn("cannot record the last known good time: {}", error);
    return;
  }
  last_good_recorded_ = now;
}

// READY=1 means "vigild can answer": its sockets are bound, its anchors loaded, and an upstream
// has answered. The probe (". NS", CD=1, never cached) is repeated until one does.
void Daemon::probe_upstreams() {
  constexpr uint64_t kRetryMs = 2000;
  // A host that boots without network must still come up: after this long, READY=1 with a
  // degraded STATUS (vigild answers pinned names, and the rest as soon as an upstream answers).
  constexpr uint64_t kReadyAnywayMs = 30000;
  if (probe_started_ms_ == 0) probe_started_ms_ = uv_now(&loop_);
  dns::QueryInfo probe;
  probe.flags = dns::flag::RD | dns::flag::CD;
  probe.qname = *dns::from_text(".");
  probe.qtype = dns::rrtype::NS;
  probe.qclass = dns::rrclass::IN;
  probe.has_edns = true;
  probe.udp_size = 1232;
  service::notify_status("waiting for an upstream to answer");
  pipeline().resolve_unpinned(probe, [this](std::vector<uint8_t>&& reply) {
    const uint8_t rcode = reply.size() > 3 ? reply[3] & 0x0f : dns::rcode::SERVFAIL;
    if (rcode != dns::rcode::NOERROR && rcode != dns::rcode::NXDOMAIN) {
      if (!ready_ && uv_now(&loop_) - probe_started_ms_ >= kReadyAnywayMs) {
        ready_ = true;
        last_status_ = "degraded: no upstream has answered yet";
        service::notify_ready(last_status_);
        log_.main->warn("no upstream answered for {} s: ready anyway, {}", kReadyAnywayMs / 1000,
                        last_status_);
        return;  // from now on STATUS= follows the upstreams' health (report_status)
      }
      return probe_timer_->start(kRetryMs, [this] { probe_upstreams(); });
    }
    ready_ = true;
    last_status_ = status_text();
    service::notify_ready(last_status_);
    log_.main->info("an upstream answered: {}", last_status_);
  });
}

std::string Daemon::status_text() const {
  if (clock_behind_s_ > 0) {
    return fmt::format("degraded: the clock is {} s behind the last known good time",
                       clock_behind_s_);
  }
  std::string down;
  std::size_t total = 0;
  const uint64_t now = uv_now(&loop_);
  for (const auto& group : pipeline().routing().groups()) {
    for (const auto& upstream : group->upstreams) {
      ++total;
      if (upstream->health.is_backed_off(now)) down += (down.empty() ? "" : ", ") + upstream->name();
    }
  }
  if (!down.empty()) return "degraded: not answering: " + down;
  return fmt::format("serving on {}; {} upstream(s); dnssec {}", addresses_text(config_->listen),
                     total, config_->dnssec == DnssecMode::Validate ? "validate" : "off");
}

// STATUS= follows the upstreams' health, so `systemctl status vigild` shows a degradation.
void Daemon::report_status() {
  if (!ready_) return;
  std::string status = status_text();
  if (status == last_status_) return;
  last_status_ = std::move(status);
  service::notify_status(last_status_);
}

// RFC 5011: the anchors' DNSKEY RRsets are fetched through the pipeline like any DS or DNSKEY
// the validator needs; when the trusted keys change, the validator gets the new set.
// The fetches go through worker 0, on this loop; every worker gets the new anchors (and clears
// its caches).
void Daemon::start_anchor_tracking() {
  anchor_tracker_.start(main_worker().validation().fetch,
                        [this] { rebuild_anchor_set(*config_); });
}

void Daemon::start_pin_watch() {
  pin_watch_.start(config_->pin_watch, pinned_records(*config_),
                   [this](const dns::QueryInfo& query, ReplySink sink) {
                     pipeline().resolve_unpinned(query, std::move(sink));
                   });
}

// Every few seconds: has the wall clock jumped? Signatures were judged against the old time.
void Daemon::watch_the_clock() {
  constexpr uint64_t kEveryMs = 5000;
  const auto jump = clock_watch_.observe(static_cast<int64_t>(std::time(nullptr)),
                                         static_cast<int64_t>(uv_now(&loop_) / 1000));
  if (jump) {
    log_.main->warn("the wall clock jumped by {} s: the DNSSEC key cache is cleared and every "
                    "chain of trust will be validated again at the new time", *jump);
    for_each_worker([](Worker& worker) { worker.clear_caches(); });
  }
  report_status();
  constexpr int64_t kRecordEverySeconds = 3600;
  if (clock_behind_s_ == 0 && std::time(nullptr) >= last_good_recorded_ + kRecordEverySeconds) {
    record_last_good_time();
  }
  clock_timer_->start(kEveryMs, [this] { watch_the_clock(); });
}

void Daemon::stop() {
  log_.main->info("stopping");
  if (clock_behind_s_ == 0) record_last_good_time();
  service::notify_stopping();
  uv_stop(&loop_);
}

ReloadResult Daemon::reload() {
  service::notify_reloading();
  Config fresh;
  try {
    fresh = load_config(command_line_);
  } catch (const ConfigError& error) {
    log_.main->error("reload failed, keeping the running configuration: {}", error.what());
    service::notify_ready("reload failed, still serving with the previous configuration: " +
                          std::string(error.what()));
    return {false, error.what(), {}};
  }
  ReloadResult result{true, {}, {}};
  if (fresh.listen != config_->listen || fresh.listen_tls != config_->listen_tls) {
    result.warnings.emplace_back("listen addresses changed; they take effect at the next restart");
    fresh.listen = config_->listen;
    fresh.listen_tls = config_->listen_tls;
  }
  if (fresh.user != config_->user) {
    result.warnings.emplace_back("user changed; it takes effect at the next restart");
    fresh.user = config_->user;
  }
  if (fresh.control_socket != config_->control_socket) {
    result.warnings.emplace_back("control-socket changed; it takes effect at the next restart");
    fresh.control_socket = config_->control_socket;
  }
  if (fresh.threads != config_->threads) {
    result.warnings.emplace_back("threads changed; it takes effect at the next restart");
    fresh.threads = config_->threads;
  }
  for (const auto& warning : result.warnings) log_.main->warn("reload: {}", warning);
  set_log_level(fresh.log_level);
  set_trust_anchors(fresh);
  start_anchor_tracking();
  config_ = std::make_shared<const Config>(std::move(fresh));
  const auto tls = reload_tls_certificate(result);
  for_each_worker([&](Worker& worker) { worker.reconfigure(config_, tls); });
  start_pin_watch();
  warn_about(*config_);
  last_status_ = status_text();
  service::notify_ready(last_status_);
  result.detail = fmt::format("reloaded {}: upstreams {}; {} forward zone(s)",
                              config_->config_file.empty() ? "(no config file)"
                                                           : config_->config_file,
                              upstreams_text(*config_), config_->forwards.size());
  log_.main->info("{}", result.detail);
  return result;
}

}  // namespace vigil
