// One event loop's share of the serving (config key threads): its own UDP, TCP and TLS
// listeners (bound with SO_REUSEPORT when there are several workers), Csprng, receive buffer,
// upstream sockets, query pipeline with its in-flight table, near-miss watch and upstream health,
// and its own answer, key and bogus caches (the answer cache gets 1/N of cache-size). Nothing is
// shared between workers but immutable values (the Config) and thread-safe loggers, so no lock
// sits on the query path; the price is that a name may be fetched once per worker.
//
// Worker 0 runs on the daemon's main loop; the others each run a loop on a thread of their own.
// Another thread reaches a worker only through call() (daemon/loop_inbox.h).
#pragma once

#include <uv.h>

#include <memory>
#include <thread>
#include <vector>

#include "cache/answer_cache.h"
#include "cache/bogus_cache.h"
#include "cache/key_cache.h"
#include "daemon/config/config.h"
#include "daemon/csprng.h"
#include "daemon/log.h"
#include "daemon/loop_inbox.h"
#include "daemon/net/tcp_listener.h"
#include "daemon/net/udp_listener.h"
#include "daemon/pipeline/near_miss_watch.h"
#include "daemon/pipeline/query_pipeline.h"
#include "daemon/pipeline/validation_run.h"
#include "daemon/stats.h"

namespace vigil {

// The answer cache's limits for one of `workers` workers: an equal share of cache-size.
cache::CacheLimits worker_cache_limits(const Config& config, unsigned workers);

class Worker {
 public:
  // `main_loop`: the loop worker 0 shares with the daemon; nullptr: the worker makes its own
  // and runs it on a thread of its own (start_thread).
  Worker(unsigned index, unsigned workers, uv_loop_t* main_loop, const Loggers& loggers,
         std::shared_ptr<const Config> config);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // On the daemon's thread, before start_thread: the pipeline, then the listeners (throws
  // std::runtime_error naming the address that cannot be bound).
  void start_serving(const std::shared_ptr<SSL_CTX>& tls);
  // A worker with its own loop: runs it on a new thread, with every signal blocked (signals are
  // the main loop's).
  void start_thread();
  // Stops the loop and joins the thread, then frees every handle (the pipeline's tasks, the
  // listeners) and closes the loop. Worker 0's are freed by shutdown() from the daemon.
  void stop_thread();
  // Ends the tasks and closes the listeners; the loop then runs the close callbacks.
  void shutdown();

  // Runs `work` on this worker's loop thread and waits for its result: directly for worker 0
  // (the caller is on the main loop), through the inbox for the others.
  template <typename Work>
  auto call(Work work) -> std::invoke_result_t<Work&> {
    if (!thread_.joinable()) return work();
    return inbox_->call(std::move(work));
  }

  // The rest: on this worker's loop thread only (through call()).
  unsigned index() const { return index_; }
  uv_loop_t* loop() const { return loop_; }
  QueryPipeline& pipeline() { return *pipeline_; }
  Stats& stats() { return stats_; }
  SecurityLog& security() { return security_; }
  ValidationSetup& validation() { return validation_; }
  cache::AnswerCache& answers() { return answer_cache_; }
  cache::BogusCache& bogus_cache() { return bogus_cache_; }
  Stats stats_snapshot();  // the counters with the cache's figures read off now
  void set_anchors(std::shared_ptr<const validator::AnchorSet> anchors, uint32_t bogus_ttl_s);
  void clear_caches();
  // A reloaded configuration; `tls`: the reloaded certificate of the TLS listeners, if read.
  void reconfigure(std::shared_ptr<const Config> config, const std::shared_ptr<SSL_CTX>& tls);

 private:
  unsigned index_;
  unsigned workers_;
  std::unique_ptr<uv_loop_t> own_loop_;  // none for worker 0
  uv_loop_t* loop_;
  std::shared_ptr<const Config> config_;
  const Loggers& log_;
  SecurityLog security_;  // its rate limit is per worker: SecurityLog is not thread-safe
  Stats stats_;
  Csprng random_;
  std::vector<uint8_t> receive_buffer_;
  cache::KeyCache key_cache_;
  cache::BogusCache bogus_cache_;
  cache::AnswerCache answer_cache_;
  NearMissWatch near_miss_watch_{10};
  ValidationSetup validation_;
  TaskContext context_;
  std::unique_ptr<QueryPipeline> pipeline_;
  std::vector<std::unique_ptr<UdpListener>> udp_listeners_;
  std::vector<std::unique_ptr<TcpListener>> tcp_listeners_;
  std::vector<std::unique_ptr<TcpListener>> tls_listeners_;
  std::unique_ptr<LoopInbox> inbox_;  // only for a worker with its own loop
  std::thread thread_;
};

}  // namespace vigil
