#include "daemon/worker.h"

#include <pthread.h>

#include <csignal>
#include <string>

#include "daemon/pipeline/routing.h"

namespace vigil {

cache::CacheLimits worker_cache_limits(const Config& config, unsigned workers) {
  return {static_cast<std::size_t>(config.cache_size / workers), config.cache_min_ttl,
          config.cache_max_ttl,  config.cache_max_negative_ttl, config.cache_locked_ttl,
          config.serve_stale, config.serve_stale_ttl};
}

namespace {

uv_loop_t* make_loop(std::unique_ptr<uv_loop_t>& own) {
  own = std::make_unique<uv_loop_t>();
  uv_loop_init(own.get());
  return own.get();
}

}  // namespace

Worker::Worker(unsigned index, unsigned workers, uv_loop_t* main_loop, const Loggers& loggers,
               std::shared_ptr<const Config> config)
    : index_(index),
      workers_(workers),
      loop_(main_loop != nullptr ? main_loop : make_loop(own_loop_)),
      config_(std::move(config)),
      log_(loggers),
      security_(loggers),
      receive_buffer_(65536),
      context_{UpstreamIo{loop_, random_, receive_buffer_, config_->outgoing_port_low,
                          config_->outgoing_port_high},
               stats_, log_, security_, &validation_} {
  validation_.key_cache = &key_cache_;
  validation_.bogus_cache = &bogus_cache_;
  validation_.stats = &stats_;
  context_.answers = &answer_cache_;
  context_.near_misses = &near_miss_watch_;
  answer_cache_.set_limits(worker_cache_limits(*config_, workers_));
  near_miss_watch_.set_threshold(config_->near_miss_threshold);
  if (own_loop_) inbox_ = std::make_unique<LoopInbox>(loop_);
}

Worker::~Worker() {
  if (!own_loop_) return;  // worker 0: the daemon shuts it down and closes the main loop
  if (thread_.joinable()) stop_thread();
  shutdown();
  inbox_.reset();
  uv_run(loop_, UV_RUN_DEFAULT);  // the close callbacks
  uv_loop_close(loop_);
}

void Worker::start_serving(const std::shared_ptr<SSL_CTX>& tls) {
  pipeline_ = std::make_unique<QueryPipeline>(context_, config_,
                                              Routing::build(*config_, nullptr, random_));
  // Several workers share each address: the kernel spreads datagrams and connections over
  // their sockets by the client's address and port.
  const bool reuse_port = workers_ > 1;
  for (const auto& address : config_->listen) {
    udp_listeners_.push_back(
        std::make_unique<UdpListener>(loop_, address, *pipeline_, reuse_port));
    tcp_listeners_.push_back(std::make_unique<TcpListener>(loop_, address, *pipeline_, stats_,
                                                           *config_, nullptr, reuse_port));
  }
  for (const auto& address : config_->listen_tls) {
    tls_listeners_.push_back(std::make_unique<TcpListener>(loop_, address, *pipeline_, stats_,
                                                           *config_, tls, reuse_port));
  }
}

void Worker::start_thread() {
  if (!own_loop_ || thread_.joinable()) return;
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);  // the new thread inherits this mask
  thread_ = std::thread([this] {
    const std::string name = "vigild-w" + std::to_string(index_);
    pthread_setname_np(pthread_self(), name.c_str());
    uv_run(loop_, UV_RUN_DEFAULT);
  });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

void Worker::stop_thread() {
  if (!thread_.joinable()) return;
  // uv_run ends after this turn; the handles are freed afterwards, on this thread (the loop no
  // longer runs, and join() makes everything it wrote visible here).
  inbox_->post([this] { uv_stop(loop_); });
  thread_.join();
}

void Worker::shutdown() {
  // Tasks first (they hold reply sinks into the listeners), then the listeners.
  if (pipeline_) pipeline_->shutdown();
  udp_listeners_.clear();
  tcp_listeners_.clear();
  tls_listeners_.clear();
  pipeline_.reset();
}

Stats Worker::stats_snapshot() {
  stats_.cache_evictions = answer_cache_.evictions();
  stats_.cache_bytes = answer_cache_.bytes();
  stats_.cache_entries = answer_cache_.size();
  return stats_;
}

void Worker::set_anchors(std::shared_ptr<const validator::AnchorSet> anchors,
                         uint32_t bogus_ttl_s) {
  validation_.anchors = std::move(anchors);
  validation_.policy.bogus_ttl = bogus_ttl_s;
  clear_caches();  // what was proven under other anchors proves nothing now
}

void Worker::clear_caches() {
  key_cache_.clear();
  bogus_cache_.clear();
  answer_cache_.clear();
}

void Worker::reconfigure(std::shared_ptr<const Config> config,
                         const std::shared_ptr<SSL_CTX>& tls) {
  config_ = std::move(config);
  context_.io.port_low = config_->outgoing_port_low;
  context_.io.port_high = config_->outgoing_port_high;
  answer_cache_.set_limits(worker_cache_limits(*config_, workers_));
  near_miss_watch_.set_threshold(config_->near_miss_threshold);
  auto routing = Routing::build(*config_, &pipeline_->routing(), random_);
  pipeline_->reconfigure(config_, std::move(routing));
  for (auto& listener : tcp_listeners_) listener->reconfigure(*pipeline_, *config_);
  for (auto& listener : tls_listeners_) {
    listener->reconfigure(*pipeline_, *config_);
    if (tls) listener->set_tls_context(tls);
  }
}

}  // namespace vigil
