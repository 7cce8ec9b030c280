#include "daemon/pipeline/query_pipeline.h"

#include <cstring>

#include "daemon/config/access_control.h"
#include "daemon/pipeline/query_check.h"
#include "cache/question_key.h"
#include "daemon/pipeline/client_answer.h"
#include "daemon/pipeline/explain.h"
#include "dns/response.h"

namespace vigil {

std::vector<cache::PinnedRecord> pinned_records(const Config& config) {
  std::vector<cache::PinnedRecord> pins;
  for (const auto& pin : config.pins) pins.push_back({pin.name_wire, pin.type, pin.rdata});
  return pins;
}

namespace {

cache::PinTable pin_table(const Config& config) { return cache::PinTable(pinned_records(config)); }

}  // namespace

QueryPipeline::QueryPipeline(TaskContext& context, std::shared_ptr<const Config> config,
                             Routing routing)
    : context_(context),
      config_(std::move(config)),
      routing_(std::move(routing)),
      pins_(pin_table(*config_)),
      reaper_(context.io.loop) {
  context_.pins = &pins_;
  if (context_.validation != nullptr) {
    context_.validation->fetch = [this](const validator::Need& need, ReplySink sink) {
      fetch_for_validation(need, std::move(sink));
    };
  }
}

QueryPipeline::~QueryPipeline() { shutdown(); }

void QueryPipeline::handle_query(dns::Bytes wire, const SocketAddress& client, Transport transport,
                                 ReplySink sink) {
  auto& stats = context_.stats;
  ++(transport == Transport::Udp ? stats.client_queries_udp : stats.client_queries_tcp);
  const AccessAction access = decide_access(config_->access_control, client);
  if (access == AccessAction::Deny) {
    ++stats.client_dropped;
    return;
  }
  QueryCheck check = check_client_query(wire);
  if (check.action == QueryCheck::Action::Drop) {
    ++stats.client_dropped;
    note_malformed();
    return;
  }
  if (access == AccessAction::Refuse) {
    // A refused client gets REFUSED for every query with a usable question, even for those
    // vigild would answer itself (ANY); only malformed ones keep their FORMERR or NOTIMP.
    const bool usable = check.action == QueryCheck::Action::Forward ||
                        std::strcmp(check.reason, "any") == 0;
    if (usable) {
      check.reply = dns::make_reply_without_records(check.query,
                                                    dns::ReplyOptions{dns::rcode::REFUSED, false, {}});
      check.reason = "refused";
    }
    count_local_reply(check.reason);
    return sink(std::move(check.reply));
  }
  if (check.action == QueryCheck::Action::Reply) {
    count_local_reply(check.reason);
    return sink(std::move(check.reply));
  }
  stats.count_query_type(check.query.qtype);
  if (answer_from_pins(check.query, sink)) return;
  forward(check.query, transport, std::move(sink));
}

void QueryPipeline::count_local_reply(const char* reason) {
  auto& stats = context_.stats;
  if (std::strcmp(reason, "formerr") == 0) {
    ++stats.formerr;
    note_malformed();
  }
  else if (std::strcmp(reason, "notimp") == 0) ++stats.notimp;
  else if (std::strcmp(reason, "refused") == 0) ++stats.refused;
  else if (std::strcmp(reason, "badvers") == 0) ++stats.badvers;
  else if (std::strcmp(reason, "any") == 0) ++stats.any_answered;
}

void QueryPipeline::note_malformed() {
  const uint64_t now = uv_now(context_.io.loop);
  if (now - malformed_window_start_ms_ >= 1000) {
    malformed_window_start_ms_ = now;
    malformed_in_window_ = 0;
  }
  if (++malformed_in_window_ == kFormerrFloodPerSecond) {
    context_.security.event("formerr_flood",
                            fmt::format("threshold_per_second={}", kFormerrFloodPerSecond));
  }
}

std::string QueryPipeline::in_flight_key(const UpstreamGroup& group,
                                         const dns::QueryInfo& query) const {
  // The same question, and the same DO/CD: the same upstream answer.
  std::string key = cache::question_key(group.id, query);
  key += static_cast<char>((query.dnssec_ok ? 1 : 0) | (query.checking_disabled() ? 2 : 0));
  return key;
}

void QueryPipeline::forward(const dns::QueryInfo& query, Transport transport, ReplySink sink,
                            std::optional<dns::Bytes> route_name, bool from_client) {
  const auto& group = routing_.route(route_name ? *route_name : query.qname.view());
  if (answer_from_bogus_cache(*group, query, sink)) return;
  if (answer_from_cache(group, query, transport, sink, from_client)) return;
  std::string key = in_flight_key(*group, query);
  auto found = in_flight_.find(key);
  if (found != in_flight_.end()) {
    if (from_client) ++context_.stats.deduplicated;
    found->second->add_waiter(Waiter{query, transport, std::move(sink), from_client});
    return;
  }
  auto task = std::make_unique<QueryTask>(context_, config_, group, query, next_task_id_++,
                                          [this](QueryTask& done) { retire(done); });
  QueryTask* raw = task.get();
  raw->add_waiter(Waiter{query, transport, std::move(sink), from_client});
  keys_.emplace(raw, key);
  in_flight_.emplace(std::move(key), std::move(task));
  raw->start();  // may finish at once (no upstream usable): then it is already retired
}

// THREATS "Pinned names": a pinned name is answered from configuration for every type, before
// any cache or upstream is consulted; a type without a pin is NODATA.
bool QueryPipeline::answer_from_pins(const dns::QueryInfo& query, ReplySink& sink) {
  if (pins_.empty() || !pins_.is_pinned(query.qname.view())) return false;
  ++context_.stats.pinned_answers;
  sink(dns::make_local_answer(query, pins_.answer(query.qname.view(), query.qtype)));
  return true;
}

// A question answered before, still within its TTL: no upstream query. Clients with CD=1 ask
// for the data as the upstream has it now, so they always go upstream.
bool QueryPipeline::answer_from_cache(const std::shared_ptr<UpstreamGroup>& group,
                                      const dns::QueryInfo& query, Transport transport,
                                      ReplySink& sink, bool from_client) {
  if (context_.answers == nullptr || query.checking_disabled()) return false;
  const uint64_t now = uv_now(context_.io.loop);
  const cache::CachedAnswer* cached =
      context_.answers->find(cache::question_of(group->id, query), now);
  if (cached == nullptr) {
    if (from_client) ++context_.stats.cache_misses;
    return false;
  }
  if (from_client) {
    ++context_.stats.cache_hits;
    ++context_.stats.answers;
  }
  sink(client_answer(cached->wire(), cached->layout(), query, transport,
                     cached->security == cache::Security::Secure, std::nullopt,
                     PreparedForms{cached->plain(), cached->plain_layout(), cached->ttl_offsets(),
                                   cached->plain_ttl_offsets(), cached->age_seconds(now)}));
  if (config_->prefetch && is_due_for_prefetch(*cached, now)) {
    cached->prefetched = true;
    prefetch(group, query);
  }
  return true;
}

// Like Unbound's prefetch: an answer still asked for in the last tenth of its TTL is popular;
// refreshing it now means the next clients never wait for the upstream.
bool QueryPipeline::is_due_for_prefetch(const cache::CachedAnswer& cached, uint64_t now_ms) {
  constexpr uint32_t kMinPrefetchTtl = 5;  // shorter TTLs are not worth a second query
  return !cached.prefetched && cached.original_ttl >= kMinPrefetchTtl &&
         (cached.expires_ms() - now_ms) * 10 < uint64_t{cached.original_ttl} * 1000;
}

// A task with no waiters: its answer goes to the cache only.
void QueryPipeline::prefetch(std::shared_ptr<UpstreamGroup> group, const dns::QueryInfo& query) {
  std::string key = in_flight_key(*group, query);
  if (in_flight_.contains(key)) return;
  ++context_.stats.prefetches;
  auto task = std::make_unique<QueryTask>(context_, config_, std::move(group), query,
                                          next_task_id_++,
                                          [this](QueryTask& done) { retire(done); });
  QueryTask* raw = task.get();
  keys_.emplace(raw, key);
  in_flight_.emplace(std::move(key), std::move(task));
  raw->start();
}

// RFC 9520: a question that just failed validation is answered SERVFAIL again from memory.
bool QueryPipeline::answer_from_bogus_cache(const UpstreamGroup& group,
                                            const dns::QueryInfo& query, ReplySink& sink) {
  if (config_->dnssec != DnssecMode::Validate || query.checking_disabled() ||
      context_.validation == nullptr) {
    return false;
  }
  const auto cached = context_.validation->bogus_cache->find(
      cache::question_key(group.id, query),
      uv_now(context_.io.loop));
  if (!cached) return false;
  ++context_.stats.servfail;
  ++context_.stats.bogus_cached;
  sink(dns::make_reply_without_records(
      query, dns::ReplyOptions{dns::rcode::SERVFAIL, false,
                               dns::ExtendedError{cached->ede, cached->detail}}));
  return true;
}

// The validator's DS and DNSKEY questions go through the same path as a client's, with CD=1
// so that they are fetched, deduplicated and spoof-checked but not validated themselves.
void QueryPipeline::fetch_for_validation(const validator::Need& need, ReplySink sink) {
  auto name = dns::from_text(need.name);
  if (!name) return sink({});
  dns::QueryInfo query;
  query.flags = dns::flag::RD | dns::flag::CD;
  query.qname = *name;
  query.qtype = static_cast<uint16_t>(need.type);
  query.qclass = dns::rrclass::IN;
  query.has_edns = true;
  query.udp_size = 65535;
  query.dnssec_ok = true;
  dns::Bytes route = query.qname.view();
  // RFC 4035 5.2: a DS RRset lives in the parent zone, so it is asked where the parent is
  // routed (a forward zone's cut is answered by the parent's upstreams).
  if (query.qtype == dns::rrtype::DS && route.size() > 1) route = route.subspan(1 + route[0]);
  forward(query, Transport::Tcp, std::move(sink), route, false);
}

void QueryPipeline::explain(const dns::QueryInfo& query,
                            std::function<void(std::vector<std::string>)> done) {
  auto trace = std::make_shared<QueryTrace>();
  const std::string question = fmt::format("{} type {}", dns::to_text(query.qname.view()),
                                           query.qtype);
  trace->add("question: " + question);
  if (pins_.is_pinned(query.qname.view())) {
    trace->add("pinned name: answered from the configuration, never from a cache or upstream");
    auto lines = std::move(trace->lines);
    for (auto& line : describe_answer(dns::make_local_answer(
             query, pins_.answer(query.qname.view(), query.qtype)))) {
      lines.push_back(std::move(line));
    }
    return done(std::move(lines));
  }
  const auto& group = routing_.route(query.qname.view());
  std::string upstreams;
  for (const auto& upstream : group->upstreams) {
    upstreams += (upstreams.empty() ? "" : " ") + upstream->name();
  }
  trace->add(fmt::format("routed to the upstreams of zone {}: {}", group->zone,
                         upstreams.empty() ? "(none)" : upstreams));
  trace->add("the answer cache, the bogus cache and queries in flight are bypassed");
  // A key no client question makes: nothing joins this task.
  std::string key = "explain " + std::to_string(next_task_id_);
  auto task = std::make_unique<QueryTask>(context_, config_, group, query, next_task_id_++,
                                          [this](QueryTask& finished) { retire(finished); });
  QueryTask* raw = task.get();
  raw->set_trace(trace);
  raw->add_waiter(Waiter{query, Transport::Tcp,
                         [trace, done = std::move(done)](std::vector<uint8_t>&& reply) {
                           auto lines = std::move(trace->lines);
                           for (auto& line : describe_answer(reply)) {
                             lines.push_back(std::move(line));
                           }
                           done(std::move(lines));
                         },
                         false});
  keys_.emplace(raw, key);
  in_flight_.emplace(std::move(key), std::move(task));
  raw->start();
}

void QueryPipeline::retire(QueryTask& task) {
  auto key = keys_.find(&task);
  if (key == keys_.end()) return;
  auto entry = in_flight_.find(key->second);
  retired_.push_back(std::move(entry->second));
  in_flight_.erase(entry);
  keys_.erase(key);
  reaper_.start(0, [this] { retired_.clear(); });
}

void QueryPipeline::reconfigure(std::shared_ptr<const Config> config, Routing routing) {
  // Tasks in flight keep the config and group they started with.
  config_ = std::move(config);
  routing_ = std::move(routing);
  pins_ = pin_table(*config_);
}

void QueryPipeline::shutdown() {
  keys_.clear();
  in_flight_.clear();
  retired_.clear();
}

}  // namespace vigil
