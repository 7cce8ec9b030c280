// One distinct question in flight upstream, and every client query waiting for its answer
// (THREATS rule 4: identical questions share one upstream query, so a birthday attack gains
// nothing). It asks the group's upstreams in turn — UDP first, TCP on truncation or a near miss —
// until one gives an acceptable reply or the query's deadline passes.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "daemon/config/config.h"
#include "daemon/log.h"
#include "daemon/net/tcp_exchange.h"
#include "daemon/net/tls_exchange.h"
#include "daemon/net/udp_exchange.h"
#include "cache/answer_cache.h"
#include "cache/pins.h"
#include "daemon/net/upstream.h"
#include "daemon/pipeline/near_miss_watch.h"
#include "daemon/pipeline/query_trace.h"
#include "daemon/pipeline/validation_run.h"
#include "daemon/stats.h"
#include "daemon/uv_handles.h"
#include "dns/query.h"

namespace vigil {

using ReplySink = std::function<void(std::vector<uint8_t>&& reply)>;

struct Waiter {
  dns::QueryInfo query;
  Transport transport;  // how the client asked: decides its size limit
  ReplySink sink;
  // False for vigild's own questions (the validator's DS/DNSKEY fetches, pin-watch, the
  // readiness probe): the client counters leave them out.
  bool from_client = true;
};

// Everything a task borrows from the daemon; all of it outlives every task.
struct TaskContext {
  UpstreamIo io;
  Stats& stats;
  const Loggers& log;
  SecurityLog& security;
  ValidationSetup* validation = nullptr;  // used when the config says dnssec validate
  const cache::PinTable* pins = nullptr;    // the pipeline's pinned names
  cache::AnswerCache* answers = nullptr;    // the answer cache
  NearMissWatch* near_misses = nullptr;      // spoofing alerts per upstream
};

class QueryTask : public ExchangeListener {
 public:
  enum class Stage { AwaitUpstream, AwaitKeys, Done };
  using DoneCallback = std::function<void(QueryTask&)>;

  QueryTask(TaskContext& context, std::shared_ptr<const Config> config,
            std::shared_ptr<UpstreamGroup> group, const dns::QueryInfo& question, uint64_t id,
            DoneCallback done);
  ~QueryTask() override;

  void add_waiter(Waiter waiter) { waiters_.push_back(std::move(waiter)); }
  // An explained query: its stages write to `trace`, and it leaves no trace in the answer or
  // bogus caches.
  void set_trace(std::shared_ptr<QueryTrace> trace) { trace_ = std::move(trace); }
  void start();
  uint64_t id() const { return id_; }
  Stage stage() const { return stage_; }

  void on_reply(Transport transport, dns::Bytes reply, const ReplyMatch& match) override;
  void on_near_miss(Transport transport, MismatchReason reason) override;
  void on_unwanted(Transport transport, MismatchReason reason) override;
  void on_failure(Transport transport, int uv_error) override;

 private:
  static constexpr unsigned kMaxRounds = 3;  // passes over the group's upstreams

  void ask_next_upstream();
  void start_udp();
  void start_tcp(const char* why);
  void start_tls();
  void exclude_cleartext();
  ExchangeRequest make_request(bool randomize_case);
  void on_attempt_timeout();
  void record_failure(uint32_t timeout_ms);
  void give_up();
  bool serve_stale();
  bool is_lame(const dns::MessageLayout& layout) const;
  void finish_with_reply(dns::Bytes reply, const dns::MessageLayout& layout);
  std::optional<std::vector<uint8_t>> scrub(dns::Bytes reply, const dns::MessageLayout& layout);
  void continue_with_reply(dns::Bytes reply, const dns::MessageLayout& layout);
  bool is_validating() const;
  void start_validation(dns::Bytes reply);
  void finish_validated(const validator::AnswerValidation& result);
  void deliver(dns::Bytes reply, const dns::MessageLayout& layout,
               const validator::Verdict* verdict);
  void store_in_cache(dns::Bytes reply, const dns::MessageLayout& layout,
                      const validator::Verdict* verdict);
  void finish_with_servfail(uint16_t ede_code, const std::string& text);
  void finish();
  std::vector<Waiter> retire_and_take_waiters();
  void cancel_exchanges();
  Upstream& current() { return *group_->upstreams[*current_]; }
  uint64_t now() const { return uv_now(context_.io.loop); }
  std::string describe() const;
  // A line of the explain story; formatted only for a traced query, so the hot path pays a
  // pointer test and nothing else.
  void note(std::string_view line) {
    if (trace_) trace_->add(std::string(line));
  }
  template <typename... Args>
  void note(fmt::format_string<Args...> format, Args&&... args) {
    if (trace_) trace_->add(fmt::format(format, std::forward<Args>(args)...));
  }
  void note_chain_of_trust();

  TaskContext& context_;
  std::shared_ptr<const Config> config_;
  std::shared_ptr<UpstreamGroup> group_;
  dns::QueryInfo question_;  // lower-cased name, the first client's type, class, DO and CD
  uint64_t id_;
  DoneCallback done_;
  std::vector<Waiter> waiters_;
  Stage stage_ = Stage::AwaitUpstream;

  std::vector<bool> tried_;
  unsigned round_ = 0;
  std::optional<std::size_t> current_;
  uint64_t attempt_started_ms_ = 0;
  UdpExchange* udp_ = nullptr;
  TcpExchange* tcp_ = nullptr;
  TlsExchange* tls_ = nullptr;
  bool critical_ = false;  // a critical name: never asked over UDP (config key critical)
  bool saw_network_error_ = false;
  bool udp_unconfirmed_error_ = false;  // an ICMP error on this attempt's UDP socket
  std::vector<uint8_t> lame_reply_;  // an upstream's SERVFAIL/REFUSED, relayed if nothing better
  std::string answered_by_;  // empty: current_ still names the upstream being validated
  std::vector<uint8_t> reply_;          // that reply, kept while its keys are fetched
  std::vector<uint8_t> scrubbed_;       // the upstream's reply once scrubbed
  bool pinned_tail_ = false;            // the reply's chain ended in a pinned name
  std::unique_ptr<ValidationRun> validation_;  // freed with the task, never in its own callback
  std::shared_ptr<QueryTrace> trace_;
  Timer attempt_timer_;
  Timer deadline_timer_;
};

}  // namespace vigil
