// The query pipeline, wired in one place: a client's packet comes in from a listener and goes
// through the checks, the access list and the router to a QueryTask shared by every identical
// question in flight; the task's answer goes back through the ReplySink.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/net/socket_address.h"
#include "daemon/pipeline/query_task.h"
#include "cache/pins.h"
#include "daemon/pipeline/routing.h"

namespace vigil {

// The configuration's pins as the pin table and pin-watch take them.
std::vector<cache::PinnedRecord> pinned_records(const Config& config);

class QueryPipeline {
 public:
  QueryPipeline(TaskContext& context, std::shared_ptr<const Config> config, Routing routing);
  ~QueryPipeline();

  void handle_query(dns::Bytes wire, const SocketAddress& client, Transport transport,
                    ReplySink sink);
  void reconfigure(std::shared_ptr<const Config> config, Routing routing);
  // Every reply a listener sends to a client: counted by rcode.
  void count_reply(const std::vector<uint8_t>& reply) {
    if (reply.size() > 3) context_.stats.count_reply_rcode(reply[3] & 0x0f);
  }
  // Resolves `query` upstream as a client query would be, pins aside (pin-watch).
  void resolve_unpinned(const dns::QueryInfo& query, ReplySink sink) {
    forward(query, Transport::Tcp, std::move(sink), std::nullopt, false);
  }
  // `vigilctl explain` (explain.h): resolves `query` past the caches and calls `done` with the
  // story of every stage and the answer.
  void explain(const dns::QueryInfo& query, std::function<void(std::vector<std::string>)> done);
  // Ends every task without answering: the daemon is stopping.
  void shutdown();

  const Config& config() const { return *config_; }
  const Routing& routing() const { return routing_; }
  std::size_t in_flight() const { return in_flight_.size(); }

 private:
  // `route_name` picks the upstream group (split DNS); by default the query's own name.
  // `from_client`: false for vigild's own questions (Waiter::from_client).
  void forward(const dns::QueryInfo& query, Transport transport, ReplySink sink,
               std::optional<dns::Bytes> route_name = std::nullopt, bool from_client = true);
  void fetch_for_validation(const validator::Need& need, ReplySink sink);
  bool answer_from_pins(const dns::QueryInfo& query, ReplySink& sink);
  bool answer_from_cache(const std::shared_ptr<UpstreamGroup>& group,
                         const dns::QueryInfo& query, Transport transport, ReplySink& sink,
                         bool from_client);
  static bool is_due_for_prefetch(const cache::CachedAnswer& cached, uint64_t now_ms);
  void prefetch(std::shared_ptr<UpstreamGroup> group, const dns::QueryInfo& query);
  bool answer_from_bogus_cache(const UpstreamGroup& group, const dns::QueryInfo& query,
                               ReplySink& sink);
  void count_local_reply(const char* reason);
  void note_malformed();
  std::string in_flight_key(const UpstreamGroup& group, const dns::QueryInfo& query) const;
  void retire(QueryTask& task);

  TaskContext& context_;
  std::shared_ptr<const Config> config_;
  Routing routing_;
  cache::PinTable pins_;
  uint64_t next_task_id_ = 1;
  std::unordered_map<std::string, std::unique_ptr<QueryTask>> in_flight_;
  std::unordered_map<const QueryTask*, std::string> keys_;
  // Finished tasks are freed on the next loop turn, never inside their own callbacks.
  std::vector<std::unique_ptr<QueryTask>> retired_;
  Timer reaper_;
  // A burst of malformed queries is reported once per second, not once per packet.
  static constexpr unsigned kFormerrFloodPerSecond = 100;
  uint64_t malformed_window_start_ms_ = 0;
  unsigned malformed_in_window_ = 0;
};

}  // namespace vigil
