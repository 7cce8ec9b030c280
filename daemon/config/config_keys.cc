#include "daemon/config/config_keys.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <limits>

#include "daemon/config/access_control.h"
#include "daemon/config/bad_value.h"
#include "daemon/config/forward_zone.h"
#include "daemon/config/guard.h"
#include "daemon/config/negative_anchor.h"
#include "daemon/config/pin_parser.h"
#include "daemon/config/setting_parsers.h"
#include "daemon/config/tls_upstream.h"

namespace vigil {

namespace {

constexpr std::string_view kListening = "Listening and access";
constexpr std::string_view kUpstreams = "Upstreams";
constexpr std::string_view kDnssec = "DNSSEC and pinned names";
constexpr std::string_view kUpstreamClient = "Upstream client";
constexpr std::string_view kTcp = "TCP listeners";
constexpr std::string_view kCache = "Cache";
constexpr std::string_view kLogging = "Logging";
constexpr std::string_view kProcess = "Process";
constexpr std::string_view kControl = "Control";

// sockaddr_un.sun_path holds 108 bytes on Linux, the terminating NUL included.
constexpr std::size_t kMaxSocketPathLength = 107;

// One DNS message over TCP is up to 65535 octets plus its 2-octet length (RFC 1035 4.2.2): a
// slow reader must be able to hold at least one whole reply.
constexpr uint64_t kMinTcpBufferedBytes = 65537;

void add_unique(std::vector<SocketAddress>& addresses, const SocketAddress& address) {
  if (std::find(addresses.begin(), addresses.end(), address) != addresses.end()) {
    throw BadValue(address.to_string() + " is listed twice");
  }
  addresses.push_back(address);
}

void apply_listen(std::string_view value, Config& config) {
  if (is_tls_listen(value)) {
    add_unique(config.listen_tls, parse_tls_listen_address(value));
    return;
  }
  add_unique(config.listen, parse_listen_address(value));
}
void apply_tls_certificate(std::string_view value, Config& config) {
  config.tls_certificate = parse_regular_file(value);
}
void apply_tls_key(std::string_view value, Config& config) {
  config.tls_key = parse_regular_file(value);
}
// One address is either a TLS upstream or a plain one: never both, or the same server would be
// asked in clear text too.
void apply_upstream(std::string_view value, Config& config) {
  if (is_tls_upstream(value)) {
    TlsUpstream upstream = parse_tls_upstream(value);
    if (std::find(config.upstreams.begin(), config.upstreams.end(), upstream.address) !=
        config.upstreams.end()) {
      throw BadValue(upstream.address.to_string() + " is also a plain upstream");
    }
    add_tls_upstream(config.tls_upstreams, std::move(upstream));
    return;
  }
  const SocketAddress address = parse_server_address(value);
  for (const auto& tls : config.tls_upstreams) {
    if (tls.address == address) {
      throw BadValue(address.to_string() + " is also a TLS upstream (" + tls.name() +
                     "): it would be asked in clear text");
    }
  }
  add_unique(config.upstreams, address);
}
void apply_critical(std::string_view value, Config& config) {
  CriticalName name = parse_critical_name(value);
  for (const auto& existing : config.critical) {
    if (existing.name == name.name) throw BadValue(name.name + " is listed twice");
  }
  config.critical.push_back(std::move(name));
}
void apply_forward(std::string_view value, Config& config) {
  add_forward_zone(config.forwards, parse_forward_zone(value));
}
void apply_trust_anchor(std::string_view value, Config& config) {
  const std::string path = parse_readable_file(value);
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  try {
    auto anchors = anchors::parse_trust_anchors(text.str(), path);
    config.trust_anchors.insert(config.trust_anchors.end(), anchors.begin(), anchors.end());
  } catch (const anchors::TrustAnchorError& error) {
    throw BadValue(error.what());
  }
  config.trust_anchor_files.push_back(path);
}
void apply_insecure(std::string_view value, Config& config) {
  config.negative_anchors.push_back(parse_negative_anchor(value));
}
void apply_bogus_ttl(std::string_view value, Config& config) {
  const auto ttl = parse_duration(value);
  // RFC 9520 3.2: at least 1 second; more than 5 minutes would hide a repaired zone too long.
  if (ttl < std::chrono::seconds(1) || ttl > std::chrono::minutes(5)) {
    throw BadValue(in_quotes(value) + " is not between 1s and 300s (RFC 9520)");
  }
  config.bogus_ttl = ttl;
}
void apply_trust_anchor_state(std::string_view value, Config& config) {
  if (value == "none") {
    config.trust_anchor_state_dir.clear();
    return;
  }
  if (!value.starts_with("/")) throw BadValue(in_quotes(value) + " is not an absolute path or none");
  config.trust_anchor_state_dir = std::string(value);
}
void apply_pin_watch(std::string_view value, Config& config) {
  config.pin_watch = value == "off" ? std::chrono::milliseconds(0) : parse_duration(value);
}
void apply_guard(std::string_view value, Config& config) {
  add_guard(config.guards, parse_guard(value));
}
void apply_pin(std::string_view value, Config& config) { add_pin(config.pins, parse_pin(value)); }
void apply_access_control(std::string_view value, Config& config) {
  add_access_rule(config.access_control, parse_access_rule(value));
}
void apply_dnssec(std::string_view value, Config& config) {
  config.dnssec = parse_dnssec_mode(value);
}
// One loop per core is the point; past 64 a machine is better served by several daemons.
constexpr unsigned kMaxThreads = 64;
void apply_threads(std::string_view value, Config& config) {
  config.threads = static_cast<unsigned>(parse_unsigned(value, 1, kMaxThreads));
}
void apply_user(std::string_view value, Config& config) {
  if (value == "none") {
    config.user.clear();
  } else {
    if (!is_system_user(value)) throw BadValue("there is no user " + in_quotes(value));
    config.user = std::string(value);
  }
  config.user_configured = true;
}
void apply_log_level(std::string_view value, Config& config) {
  config.log_level = parse_log_level(value);
}
void apply_control_socket(std::string_view value, Config& config) {
  if (value == "none") {
    config.control_socket.clear();
    return;
  }
  if (!value.starts_with("/")) {
    throw BadValue(in_quotes(value) + " is not an absolute path or none");
  }
  if (value.size() > kMaxSocketPathLength) {
    throw BadValue(in_quotes(value) + " is longer than a Unix socket path may be (" +
                   std::to_string(kMaxSocketPathLength) + " bytes)");
  }
  if (value.ends_with("/")) throw BadValue(in_quotes(value) + " names a directory, not a socket");
  config.control_socket = std::string(value);
}
void apply_port_range(std::string_view value, Config& config) {
  const PortRange range = parse_port_range(value);
  config.outgoing_port_low = range.low;
  config.outgoing_port_high = range.high;
}
void apply_upstream_timeout(std::string_view value, Config& config) {
  config.upstream_timeout = parse_duration(value);
}
void apply_query_timeout(std::string_view value, Config& config) {
  config.query_timeout = parse_duration(value);
}
void apply_use_0x20(std::string_view value, Config& config) {
  config.use_0x20 = parse_yes_no(value);
}
void apply_near_miss_threshold(std::string_view value, Config& config) {
  config.near_miss_threshold = static_cast<unsigned>(parse_unsigned(value, 0, 100000));
}
void apply_near_miss_flush(std::string_view value, Config& config) {
  config.near_miss_flush = parse_yes_no(value);
}
void apply_cookies(std::string_view value, Config& config) {
  config.use_cookies = parse_yes_no(value);
}
void apply_cache_size(std::string_view value, Config& config) {
  config.cache_size = parse_size(value, uint64_t{64} << 30);
}
void apply_cache_locked_ttl(std::string_view value, Config& config) {
  config.cache_locked_ttl = static_cast<unsigned>(parse_unsigned(value, 0, 100));
}
void apply_serve_stale(std::string_view value, Config& config) {
  // RFC 8767 5: a stale answer is no use after a few days; one to three days is suggested.
  config.serve_stale = static_cast<uint32_t>(parse_unsigned(value, 0, uint64_t{7} * 86400));
}
void apply_serve_stale_ttl(std::string_view value, Config& config) {
  config.serve_stale_ttl = static_cast<uint32_t>(parse_unsigned(value, 1, 3600));
}
void apply_prefetch(std::string_view value, Config& config) {
  config.prefetch = parse_yes_no(value);
}
void apply_cache_min_ttl(std::string_view value, Config& config) {
  config.cache_min_ttl = static_cast<uint32_t>(parse_unsigned(value, 0, 3600));
}
void apply_cache_max_ttl(std::string_view value, Config& config) {
  config.cache_max_ttl = static_cast<uint32_t>(parse_unsigned(value, 1, uint64_t{7} * 86400));
}
void apply_cache_max_negative_ttl(std::string_view value, Config& config) {
  config.cache_max_negative_ttl = static_cast<uint32_t>(parse_unsigned(value, 0, 86400));
}
void apply_tcp_idle_timeout(std::string_view value, Config& config) {
  config.tcp_idle_timeout = parse_duration(value);
}
void apply_tcp_max_connections(std::string_view value, Config& config) {
  config.tcp_max_connections = static_cast<unsigned>(parse_unsigned(value, 1, 65535));
}
void apply_tcp_max_queries(std::string_view value, Config& config) {
  config.tcp_max_queries_per_connection = static_cast<unsigned>(parse_unsigned(value, 1, 65535));
}
void apply_tcp_max_buffered(std::string_view value, Config& config) {
  config.tcp_max_buffered_bytes = static_cast<std::size_t>(
      parse_unsigned(value, kMinTcpBufferedBytes, std::numeric_limits<uint32_t>::max()));
}

const std::array kKeys = {
    ConfigKey{"listen", "ADDR:PORT | tls://ADDR[:PORT]", kListening,
              "serve DNS here (UDP and TCP); tls:// serves DNS over TLS (RFC 7858, port 853 "
              "by default) with tls-certificate and tls-key",
              "127.0.0.1:53, [::1]:53", true, apply_listen,
              [](Config& config) {
                config.listen.clear();
                config.listen_tls.clear();
              }},
    ConfigKey{"tls-certificate", "FILE", kListening,
              "the certificate chain (PEM) of the tls:// listeners, read at start and reload",
              "none", false, apply_tls_certificate, nullptr},
    ConfigKey{"tls-key", "FILE", kListening,
              "the private key (PEM) of tls-certificate, read at start and reload", "none", false,
              apply_tls_key, nullptr},
    ConfigKey{"access-control", "PREFIX allow|refuse|deny", kListening,
              "who may query: the longest matching prefix wins, unmatched clients are refused; "
              "rules given replace the defaults",
              "127.0.0.0/8 allow, ::1/128 allow", true, apply_access_control,
              [](Config& config) { config.access_control.clear(); }},
    ConfigKey{"upstream",
              "ADDR[:PORT] | 'tls://ADDR[:PORT]#AUTH_NAME [pin=sha256/BASE64]... [ca=FILE] "
              "[pin-only]'",
              kUpstreams,
              "send queries to this server (port 53 if none is given); tls:// only ever over DNS "
              "over TLS (port 853), its certificate valid for AUTH_NAME and matching a pin if "
              "pins are given (with pin-only the pin alone)",
              "the nameservers of /etc/resolv.conf except vigil itself, else Quad9: 9.9.9.9 and "
              "149.112.112.112",
              true, apply_upstream,
              [](Config& config) {
                config.upstreams.clear();
                config.tls_upstreams.clear();
              }},
    ConfigKey{"forward", "ZONE=SERVER[,SERVER]", kUpstreams,
              "send names at and under ZONE to these servers only (each as upstream takes it)",
              "none", true, apply_forward, [](Config& config) { config.forwards.clear(); }},
    ConfigKey{"critical", "NAME", kUpstreams,
              "ask upstream for NAME and every name below it over TLS (over TCP where no TLS "
              "upstream serves it), never over UDP",
              "none", true, apply_critical, [](Config& config) { config.critical.clear(); }},
    ConfigKey{"dnssec", "validate|off", kDnssec,
              "validate every answer with DNSSEC (SERVFAIL for bogus ones), or forward unchecked",
              "validate",
              false, apply_dnssec, nullptr},
    ConfigKey{"trust-anchor", "FILE", kDnssec,
              "read DNSSEC trust anchors (DS or DNSKEY records, one per line) from FILE",
              "the root zone's KSK-2017 and KSK-2024 DS records, built in", true, apply_trust_anchor,
              [](Config& config) {
                config.trust_anchor_files.clear();
                config.trust_anchors.clear();
              }},
    ConfigKey{"insecure", "'NAME [EXPIRY]'", kDnssec,
              "negative trust anchor (RFC 7646): do not validate NAME and below, until EXPIRY "
              "(YYYY-MM-DD[THH:MM:SSZ], UTC) if given; the RFC 6303 private and special reverse "
              "zones always are",
              "the RFC 6303 reverse zones", true, apply_insecure,
              [](Config& config) { config.negative_anchors.clear(); }},
    ConfigKey{"trust-anchor-state", "DIR|none", kDnssec,
              "keep RFC 5011 trust anchor state (automated key rollover) in DIR, one file per "
              "anchored zone; none: use the configured anchors as they are",
              "/var/lib/vigil", false, apply_trust_anchor_state, nullptr},
    ConfigKey{"bogus-ttl", "DURATION", kDnssec,
              "remember an answer that failed validation this long (RFC 9520, 1s-300s)", "60s",
              false, apply_bogus_ttl, nullptr},
    ConfigKey{"pin", "'NAME TYPE RDATA'", kDnssec,
              "answer NAME from this record, never upstream", "none", true, apply_pin,
              [](Config& config) { config.pins.clear(); }},
    ConfigKey{"pin-watch", "DURATION|off", kDnssec,
              "resolve every pinned name upstream this often and report a live answer that "
              "disagrees with its pin (event pin_mismatch)",
              "off", false, apply_pin_watch, nullptr},
    ConfigKey{"guard", "'[*.]NAME CIDR...'", kDnssec,
              "resolve NAME (and with *. every name below it) as usual, but refuse an A/AAAA "
              "answer outside these prefixes with SERVFAIL (EDE 15) and a security event",
              "none", true, apply_guard, [](Config& config) { config.guards.clear(); }},
    ConfigKey{"outgoing-port-range", "LOW-HIGH", kUpstreamClient,
              "upstream source ports, spanning >= 32768", "1024-65535",
              false, apply_port_range, nullptr},
    ConfigKey{"upstream-timeout", "DURATION", kUpstreamClient,
              "one attempt at one upstream", "1500ms", false,
              apply_upstream_timeout, nullptr},
    ConfigKey{"query-timeout", "DURATION", kUpstreamClient,
              "one client query, all attempts", "5000ms", false,
              apply_query_timeout, nullptr},
    ConfigKey{"use-0x20", "yes|no", kUpstreamClient, "randomize the letter case of query names",
              "yes", false, apply_use_0x20, nullptr},
    ConfigKey{"near-miss-threshold", "N", kUpstreamClient,
              "near misses from one upstream within 10 s that raise a spoofing_suspected "
              "alert (0: never)",
              "10", false, apply_near_miss_threshold, nullptr},
    ConfigKey{"near-miss-flush", "yes|no", kUpstreamClient,
              "on that alert, forget the cached answers from that upstream that were not "
              "validated as secure",
              "yes", false, apply_near_miss_flush, nullptr},
    ConfigKey{"cookies", "yes|no", kUpstreamClient, "send DNS cookies (RFC 7873) upstream", "yes",
              false, apply_cookies, nullptr},
    ConfigKey{"cache-size", "SIZE", kCache,
              "memory for cached answers and RRsets, in bytes or with k, m or g; the least "
              "useful entries go first (SIEVE) (0: no cache)",
              "32m", false, apply_cache_size, nullptr},
    ConfigKey{"cache-locked-ttl", "PERCENT", kCache,
              "share of a cached RRset's TTL during which no answer of the same rank may "
              "replace it with different data (0-100)",
              "10", false, apply_cache_locked_ttl, nullptr},
    ConfigKey{"cache-min-ttl", "SECONDS", kCache,
              "keep answers at least this long, whatever their TTL says (0-3600)", "0", false,
              apply_cache_min_ttl, nullptr},
    ConfigKey{"cache-max-ttl", "SECONDS", kCache, "keep answers at most this long (1-604800)",
              "86400", false, apply_cache_max_ttl, nullptr},
    ConfigKey{"cache-max-negative-ttl", "SECONDS", kCache,
              "keep NXDOMAIN and NODATA answers at most this long (RFC 2308; 0-86400)", "3600",
              false, apply_cache_max_negative_ttl, nullptr},
    ConfigKey{"serve-stale", "SECONDS", kCache,
              "when no upstream answers, serve validated or provably insecure answers up to "
              "this long past their expiry (RFC 8767; 0: never, at most 604800)",
              "3600", false, apply_serve_stale, nullptr},
    ConfigKey{"serve-stale-ttl", "SECONDS", kCache, "the TTL of a stale answer (1-3600)", "30",
              false, apply_serve_stale_ttl, nullptr},
    ConfigKey{"prefetch", "yes|no", kCache,
              "refresh a cached answer asked for in the last tenth of its TTL, before it expires",
              "yes", false, apply_prefetch, nullptr},
    ConfigKey{"tcp-idle-timeout", "DURATION", kTcp, "close a client connection idle this long",
              "10000ms", false, apply_tcp_idle_timeout, nullptr},
    ConfigKey{"tcp-max-connections", "N", kTcp, "client connections at once (1-65535)", "256",
              false, apply_tcp_max_connections, nullptr},
    ConfigKey{"tcp-max-queries-per-connection", "N", kTcp,
              "queries in flight on one connection (1-65535)", "64", false, apply_tcp_max_queries,
              nullptr},
    ConfigKey{"tcp-max-buffered-bytes", "N", kTcp,
              "replies queued for a slow reader (>= 65537)", "131072", false,
              apply_tcp_max_buffered, nullptr},
    ConfigKey{"log-level", "LEVEL", kLogging,
              "trace, debug, info, warn, error, critical or off", "info", false, apply_log_level,
              nullptr},
    ConfigKey{"user", "NAME", kProcess,
              "started as root, run as this user once the sockets are bound (none: keep the "
              "user vigild was started as)",
              "vigil", false, apply_user, nullptr},
    ConfigKey{"threads", "N", kProcess,
              "event loops serving clients, each on its own thread with its own listeners "
              "(SO_REUSEPORT), upstream sockets and 1/N of cache-size (1-64); read at start-up "
              "only",
              "1", false, apply_threads, nullptr},
    ConfigKey{"control-socket", "PATH|none", kControl,
              "the Unix socket vigilctl talks to (mode 0660, group vigil if that group exists); "
              "none: no control socket; read at start-up only",
              "/run/vigil/control.sock", false, apply_control_socket, nullptr},
};

}  // namespace

std::span<const ConfigKey> config_keys() { return kKeys; }

const ConfigKey* find_config_key(std::string_view key) {
  for (const auto& entry : kKeys) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

}  // namespace vigil
