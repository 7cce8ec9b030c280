// Config: everything an operator can set, as one value checked at start-up (and on SIGHUP) and then
// passed by const&. Built from the config file and the command line; see config_loader.h.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/net/socket_address.h"
#include "trust-anchors/trust_anchor.h"

namespace vigil {

enum class DnssecMode { Validate, Off };

// An upstream reached over DNS over TLS (RFC 7858) only, never in clear text. Strict profile:
// the certificate must be valid for `auth_name` (chain to `ca_file` or the system store) and,
// when pins are given, one must match; with `pin_only` a matching pin alone is enough.
struct TlsUpstream {
  SocketAddress address;                 // port 853 unless given
  std::string auth_name;                 // lower case, no trailing dot; also the SNI
  std::vector<std::array<uint8_t, 32>> pins;  // SHA-256 of the SubjectPublicKeyInfo (RFC 7469)
  std::string ca_file;                   // empty: the system's CA store
  bool pin_only = false;                 // for self-signed upstreams: no chain or name check
  std::string name() const { return "tls://" + address.to_string() + "#" + auth_name; }
  bool operator==(const TlsUpstream& other) const = default;
};

// Names at and under `zone` are forwarded to `upstreams` only (split DNS).
struct ForwardZone {
  std::string zone;                      // presentation form, lower case, ending in "." (e.g. "corp.example.")
  std::vector<uint8_t> zone_wire;        // the same name in lower-case wire form
  std::vector<SocketAddress> upstreams;  // at least one of these or of tls_upstreams
  std::vector<TlsUpstream> tls_upstreams;
};

// A critical name (and its subtree): asked upstream over TLS, or TCP where the group has no TLS
// upstream, never over UDP (off-path spoofing, SAD DNS and fragments all need UDP).
struct CriticalName {
  std::string name;  // lower case presentation form, ending in "."
  std::vector<uint8_t> name_wire;
};

// A pinned record, answered from configuration only (THREATS.md "Pinned names").
struct Pin {
  std::string name;            // lower case presentation form, ending in "."
  std::vector<uint8_t> name_wire;
  uint16_t type = 0;           // RR type code
  std::vector<uint8_t> rdata;  // wire-format RDATA, checked by ldns at load time
  std::string text;            // the record as configured, for logs
};

// A negative trust anchor (RFC 7646): answers at and under `name` are not validated.
struct NegativeAnchor {
  std::string name;                // lower case presentation form, ending in "."
  std::vector<uint8_t> name_wire;
  std::optional<int64_t> expires;  // seconds since 1970 (UTC); none: until removed
  std::string text;                // as configured, for logs
};

// An IPv4 or IPv6 prefix with what to do with queries from it. Most specific prefix wins.
enum class AccessAction { Allow, Refuse, Deny };  // deny = drop silently
struct AccessRule {
  SocketAddress network;  // port unused
  unsigned prefix_length = 0;
  AccessAction action = AccessAction::Allow;
};

// A guarded name: answers are validated as usual, and an A or AAAA answer with an address
// outside `allowed` is refused (THREATS "Pinned names").
struct Guard {
  std::string name;                 // lower case presentation form, ending in "."
  std::vector<uint8_t> name_wire;
  bool subtree = false;             // "*.NAME": the name and every name below it
  std::vector<AccessRule> allowed;  // the allowlist (their action is unused)
  std::string text;                 // as configured, for logs
};

struct Config {
  std::string config_file;  // the file this was read from, empty if none (reload re-reads it)

  std::vector<SocketAddress> listen;     // default 127.0.0.1:53 and [::1]:53
  std::vector<SocketAddress> listen_tls;  // "listen tls://...": DNS over TLS for clients
  // PEM files of the DNS over TLS listener (required with listen_tls); read when it starts.
  std::string tls_certificate;
  std::string tls_key;
  std::vector<SocketAddress> upstreams;  // default (with no TLS upstream): /etc/resolv.conf, else kDefaultUpstreams
  std::vector<TlsUpstream> tls_upstreams;  // "upstream tls://..." in the default group
  std::vector<CriticalName> critical;
  std::vector<ForwardZone> forwards;
  std::vector<std::string> trust_anchor_files;
  std::vector<anchors::TrustAnchor> trust_anchors;  // from those files, else the built-in root
  // Configured "insecure" names, after the RFC 6303 defaults (which always apply).
  std::vector<NegativeAnchor> negative_anchors;
  std::chrono::milliseconds bogus_ttl{60000};  // RFC 9520: how long a failure is remembered
  // RFC 5011 state, one file per anchored zone; empty: no automated anchor updates.
  std::string trust_anchor_state_dir = "/var/lib/vigil";
  DnssecMode dnssec = DnssecMode::Validate;
  std::vector<Pin> pins;
  std::vector<Guard> guards;
  std::chrono::milliseconds pin_watch{0};  // 0: pinned names are not checked upstream
  std::string log_level = "info";  // trace, debug, info, warn, error, critical, off
  // Started as root, vigild binds its sockets and then runs as this user; empty: stays as is.
  std::string user = "vigil";
  bool user_configured = false;  // named in the config or on the command line: it must exist
  // The vigilctl socket (a Unix socket path); empty: no control socket. Read at start-up only.
  std::string control_socket = "/run/vigil/control.sock";
  // Event loops serving clients, each on its own thread with its own listeners (SO_REUSEPORT),
  // upstream sockets and caches (daemon/worker.h). Read at start-up only.
  unsigned threads = 1;
  std::vector<AccessRule> access_control;  // default: 127.0.0.0/8 and ::1/128 allow, rest refuse

  // Upstream client.
  uint16_t outgoing_port_low = 1024;  // source ports are drawn uniformly from [low, high]
  uint16_t outgoing_port_high = 65535;
  std::chrono::milliseconds upstream_timeout{1500};  // one attempt at one upstream
  std::chrono::milliseconds query_timeout{5000};     // a client query, all attempts together
  bool use_0x20 = true;
  unsigned near_miss_threshold = 10;  // near misses per upstream in 10 s that raise an alert (0: off)
  bool near_miss_flush = true;        // ...and forget that upstream's unvalidated cached answers
  bool use_cookies = true;

  // The answer cache (THREATS rule 13: TTLs clamped).
  uint64_t cache_size = 32u << 20;  // bytes for answers and RRsets; 0: no cache
  unsigned cache_locked_ttl = 10;   // percent of an RRset's TTL it cannot be replaced in
  uint32_t cache_min_ttl = 0;   // seconds
  uint32_t cache_max_ttl = 86400;
  uint32_t cache_max_negative_ttl = 3600;
  uint32_t serve_stale = 3600;     // seconds past expiry an answer may be served (0: never)
  uint32_t serve_stale_ttl = 30;   // RFC 8767 4: the TTL of a stale answer
  bool prefetch = true;            // refresh popular answers shortly before they expire

  // Client listeners.
  std::chrono::milliseconds tcp_idle_timeout{10000};
  unsigned tcp_max_connections = 256;
  unsigned tcp_max_queries_per_connection = 64;    // in flight at once on one connection
  std::size_t tcp_max_buffered_bytes = std::size_t{128} * 1024;  // replies queued for a slow reader
};

}  // namespace vigil
