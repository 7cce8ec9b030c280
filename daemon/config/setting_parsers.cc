#include "daemon/config/setting_parsers.h"

#include <pwd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "daemon/config/bad_value.h"

namespace vigil {

namespace {

constexpr std::string_view kTlsScheme = "tls://";

// RFC 5452 section 4.5/10: the source port is most of a forged reply's guess space next to the
// 16-bit ID, so the range must stay wide; below 1024 are the privileged service ports.
constexpr uint16_t kMinOutgoingPort = 1024;
constexpr unsigned kMinOutgoingPortSpan = 32768;

// A timeout longer than an hour is a typo (a missing "ms"), never a DNS need.
constexpr std::chrono::milliseconds kMaxDuration = std::chrono::hours(1);

std::optional<uint64_t> parse_decimal(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) return std::nullopt;
  return value;
}

bool is_unspecified(const SocketAddress& address) {
  return address.address_text() == "0.0.0.0" || address.address_text() == "::";
}

}  // namespace

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

SocketAddress parse_listen_address(std::string_view text) {
  const auto address = SocketAddress::parse(text);
  if (!address) {
    throw BadValue(in_quotes(text) + " is not ADDR:PORT (the port is required; IPv6 as [ADDR]:PORT)");
  }
  if (address->port() == 0) throw BadValue(in_quotes(text) + ": port 0 is not a port to listen on");
  return *address;
}

bool is_tls_listen(std::string_view text) { return text.starts_with(kTlsScheme); }

SocketAddress parse_tls_listen_address(std::string_view text) {
  const std::string_view rest = text.substr(kTlsScheme.size());
  const auto address = SocketAddress::parse(rest, kDnsOverTlsPort);
  if (!address) throw BadValue(in_quotes(text) + " is not tls://ADDR[:PORT] (IPv6 as [ADDR])");
  if (address->port() == 0) throw BadValue(in_quotes(text) + ": port 0 is not a port to listen on");
  return *address;
}

SocketAddress parse_server_address(std::string_view text, uint16_t default_port) {
  const auto address = SocketAddress::parse(text, default_port);
  if (!address) throw BadValue(in_quotes(text) + " is not ADDR[:PORT]");
  if (address->port() == 0) throw BadValue(in_quotes(text) + ": port 0 is not a server port");
  if (is_unspecified(*address)) {
    throw BadValue(in_quotes(text) + " is the unspecified address, not a server");
  }
  return *address;
}

std::chrono::milliseconds parse_duration(std::string_view text) {
  std::string_view digits = text;
  uint64_t scale = 1;
  if (digits.ends_with("ms")) {
    digits.remove_suffix(2);
  } else if (digits.ends_with("s")) {
    digits.remove_suffix(1);
    scale = 1000;
  }
  const auto number = parse_decimal(digits);
  if (!number) {
    throw BadValue(in_quotes(text) + " is not a duration (an integer with an optional ms or s "
                                  "suffix, e.g. 1500ms or 2s; plain numbers are milliseconds)");
  }
  if (*number == 0) throw BadValue(in_quotes(text) + ": a duration must be more than 0");
  const auto limit = static_cast<uint64_t>(kMaxDuration.count());
  if (*number > limit / scale) throw BadValue(in_quotes(text) + " is more than one hour");
  return std::chrono::milliseconds(*number * scale);
}

uint64_t parse_size(std::string_view text, uint64_t max) {
  std::string_view digits = text;
  uint64_t scale = 1;
  if (!digits.empty()) {
    switch (digits.back()) {
      case 'k': case 'K': scale = uint64_t{1} << 10; break;
      case 'm': case 'M': scale = uint64_t{1} << 20; break;
      case 'g': case 'G': scale = uint64_t{1} << 30; break;
      default: break;
    }
    if (scale != 1) digits.remove_suffix(1);
  }
  const auto number = parse_decimal(digits);
  if (!number) {
    throw BadValue(in_quotes(text) + " is not a size (bytes, or a number with k, m or g, e.g. 32m)");
  }
  if (*number > max / scale) {
    throw BadValue(in_quotes(text) + " is more than " + std::to_string(max >> 20) + "m");
  }
  return *number * scale;
}

bool is_system_user(std::string_view name) {
  return getpwnam(std::string(name).c_str()) != nullptr;
}

bool parse_yes_no(std::string_view text) {
  if (text == "yes") return true;
  if (text == "no") return false;
  throw BadValue(in_quotes(text) + " is neither yes nor no");
}

uint64_t parse_unsigned(std::string_view text, uint64_t min, uint64_t max) {
  const auto number = parse_decimal(text);
  if (!number || *number < min || *number > max) {
    throw BadValue(in_quotes(text) + " is not a whole number from " + std::to_string(min) + " to " +
                   std::to_string(max));
  }
  return *number;
}

PortRange parse_port_range(std::string_view text) {
  const auto dash = text.find('-');
  const auto low = parse_decimal(text.substr(0, dash));
  const auto high = dash == std::string_view::npos ? std::nullopt
                                                   : parse_decimal(text.substr(dash + 1));
  if (!low || !high) throw BadValue(in_quotes(text) + " is not LOW-HIGH (e.g. 1024-65535)");
  if (*low < kMinOutgoingPort) {
    throw BadValue(in_quotes(text) + ": the low port must be at least 1024 (below are the "
                                  "privileged service ports)");
  }
  if (*high > 65535) throw BadValue(in_quotes(text) + ": the high port must be at most 65535");
  if (*low > *high) throw BadValue(in_quotes(text) + ": the low port is above the high port");
  const uint64_t span = *high - *low + 1;
  if (span < kMinOutgoingPortSpan) {
    throw BadValue(in_quotes(text) + " spans " + std::to_string(span) +
                   " ports; it must span at least 32768: the source port is the attacker's guess "
                   "space for a forged reply (source-port entropy, RFC 5452)");
  }
  return PortRange{static_cast<uint16_t>(*low), static_cast<uint16_t>(*high)};
}

DnssecMode parse_dnssec_mode(std::string_view text) {
  if (text == "validate") return DnssecMode::Validate;
  if (text == "off") return DnssecMode::Off;
  throw BadValue(in_quotes(text) + " is neither validate nor off");
}

std::string parse_log_level(std::string_view text) {
  static constexpr std::array<std::string_view, 7> kLevels = {
      "trace", "debug", "info", "warn", "error", "critical", "off"};
  for (auto level : kLevels) {
    if (text == level) return std::string(level);
  }
  throw BadValue(in_quotes(text) +
                 " is not a log level (trace, debug, info, warn, error, critical, off)");
}

std::string parse_regular_file(std::string_view text) {
  std::string path(text);
  if (path.empty()) throw BadValue("the file name is empty");
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) throw BadValue(in_quotes(path) + " does not exist");
  // A device or FIFO would be read forever (/dev/zero) or block the open (a FIFO with no writer).
  if (!std::filesystem::is_regular_file(status)) {
    throw BadValue(in_quotes(path) + " is not a regular file");
  }
  return path;
}

std::string parse_readable_file(std::string_view text) {
  std::string path = parse_regular_file(text);
  std::ifstream file(path);
  if (!file) throw BadValue("cannot read " + in_quotes(path) + ": " + std::strerror(errno));
  return path;
}

}  // namespace vigil
