// Parsers for the scalar values of config keys: addresses, durations, numbers, switches. Pure;
// each throws BadValue with a message saying what is wrong (the loader adds where).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/config/config.h"
#include "daemon/net/socket_address.h"

namespace vigil {

constexpr uint16_t kDnsPort = 53;
constexpr uint16_t kDnsOverTlsPort = 853;  // RFC 7858 3.1

// "127.0.0.1:53" or "[::1]:53": a listener needs an explicit port.
SocketAddress parse_listen_address(std::string_view text);

// "tls://127.0.0.1", "tls://[::1]:8853": a DNS over TLS listener (RFC 7858), port 853 by default.
bool is_tls_listen(std::string_view text);
SocketAddress parse_tls_listen_address(std::string_view text);

// "9.9.9.9", "9.9.9.9:5353", "2620:fe::fe", "[2620:fe::fe]:53": a server to send queries to.
SocketAddress parse_server_address(std::string_view text, uint16_t default_port = kDnsPort);

// "1500", "1500ms" or "2s"; plain numbers are milliseconds. More than 0, at most one hour.
std::chrono::milliseconds parse_duration(std::string_view text);

bool parse_yes_no(std::string_view text);

// A decimal integer in [min, max].
uint64_t parse_unsigned(std::string_view text, uint64_t min, uint64_t max);

// A size in bytes: "65536", "512k", "32m", "1g" (binary multiples), at most `max` bytes.
uint64_t parse_size(std::string_view text, uint64_t max);

struct PortRange {
  uint16_t low = 0;
  uint16_t high = 0;
};
// "LOW-HIGH" for outgoing source ports: LOW >= 1024, HIGH <= 65535, spanning >= 32768 ports.
PortRange parse_port_range(std::string_view text);

DnssecMode parse_dnssec_mode(std::string_view text);

// True if the system knows a user of that name (getpwnam).
bool is_system_user(std::string_view name);
std::string parse_log_level(std::string_view text);

// A path that must name a readable regular file now (trust anchors are read at start-up).
std::string parse_readable_file(std::string_view text);

// A path that must name a regular file (its content may be readable by root only: it is read
// when the daemon starts, before it drops root).
std::string parse_regular_file(std::string_view text);

// Trims spaces and tabs at both ends.
std::string_view trim(std::string_view text);

}  // namespace vigil
