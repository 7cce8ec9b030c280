// What the control commands need from the running daemon, as an interface: the Daemon implements
// it, and control_commands_test.cc drives the commands against a fake without a loop or sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/stats.h"
#include "dns/wire.h"

namespace vigil {

// One upstream as `vigilctl status` shows it: what daemon/net/upstream_health.h knows.
struct UpstreamReport {
  std::string zone;       // "." for the default upstreams, else the forward zone
  std::string address;    // "127.0.0.1:53"
  bool measured = false;  // has answered at least once
  uint32_t srtt_ms = 0;   // smoothed round-trip time, once measured
  unsigned consecutive_failures = 0;
  uint64_t backoff_left_ms = 0;  // 0: not backed off
  // A DNS over TLS upstream (daemon/net/tls_client.h): its certificate as last seen.
  bool tls = false;
  std::string tls_subject{};     // RFC 2253; empty before the first handshake
  std::string tls_spki{};        // "sha256/BASE64" of the end-entity key, or empty
  std::string tls_pin_match{};   // yes, no, or unpinned
  std::string tls_connection{};  // idle, connecting, connected, failed
  std::string tls_error{};       // why the last connection failed, if it did
};

struct StatusReport {
  std::string version;
  uint64_t uptime_s = 0;
  std::vector<std::string> listen;  // "127.0.0.1:53"
  std::string control_socket;
  std::vector<UpstreamReport> upstreams;
  DnssecMode dnssec = DnssecMode::Validate;
  std::size_t trust_anchors = 0;     // trusted now (after RFC 5011 tracking)
  std::size_t negative_anchors = 0;  // in effect, the RFC 6303 reverse zones included
  std::size_t cache_entries = 0;
  std::size_t cache_size = 0;     // the cache-size limit
  std::size_t bogus_entries = 0;  // remembered validation failures (RFC 9520)
  std::size_t in_flight = 0;      // distinct questions waiting for upstreams
};

struct PinWatchReport {
  std::chrono::milliseconds interval{0};  // 0: off
  uint64_t rounds = 0;                    // since start
  std::optional<uint64_t> last_round_age_ms;
};

// The outcome of a reload (SIGHUP or `vigilctl reload`): on failure the running configuration
// keeps serving and `detail` holds the error.
struct ReloadResult {
  bool loaded = false;
  std::string detail;                 // "reloaded FILE: ..." or the configuration error
  std::vector<std::string> warnings;  // settings that take effect only at the next restart
};

struct FlushResult {
  std::size_t answers = 0;   // answer cache entries forgotten
  std::size_t failures = 0;  // remembered validation failures forgotten
};

class ControlTarget {
 public:
  virtual ~ControlTarget() = default;

  virtual StatusReport status() const = 0;
  virtual const Stats& stats() = 0;  // non-const: the cache figures are read off first
  virtual const Config& config() const = 0;  // the running configuration: pins, guards
  virtual PinWatchReport pin_watch() const = 0;

  // The answer cache in presentation form (cache::MessageCache::dump and lookup).
  virtual std::vector<std::string> cache_dump() const = 0;
  virtual std::vector<std::string> cache_lookup(dns::Bytes name, uint16_t qtype) const = 0;
  // Forgets the cached answers for `name` (and below it, with `subtree`), or every answer when
  // there is no name; and every remembered validation failure, which is not indexed by name.
  virtual FlushResult cache_flush(std::optional<dns::Bytes> name, bool subtree) = 0;

  virtual ReloadResult reload() = 0;
  // Resolves NAME TYPE past the caches, writing down every stage's decision (explain.h), and
  // calls `done` with that story once the answer is in.
  virtual void explain(dns::Bytes name, uint16_t qtype,
                       std::function<void(std::vector<std::string>)> done) = 0;
  // `vigilctl anchors`: the trust anchors and their RFC 5011 state, one line each.
  virtual std::vector<std::string> anchors() const = 0;
  // Runtime negative trust anchors (RFC 7646), on top of the configured ones: kept across
  // reloads, not across restarts; each expires. Adding or removing one forgets what was
  // validated (the key, answer and bogus caches).
  virtual std::string insecure_add(const std::string& name, uint32_t seconds) = 0;
  virtual bool insecure_remove(const std::string& name) = 0;  // false: no runtime anchor there
  virtual std::vector<std::string> insecure_list() const = 0;
  virtual std::string log_level() const = 0;
  virtual void set_log_level(const std::string& level) = 0;  // a level parse_log_level accepts
};

}  // namespace vigil
