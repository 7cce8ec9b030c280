#include "daemon/config/access_control.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>
#include <optional>

#include "daemon/config/bad_value.h"
#include "daemon/config/setting_parsers.h"

namespace vigil {

namespace {

// An address as bytes: 4 for IPv4, 16 for IPv6.
struct RawAddress {
  int family = AF_UNSPEC;
  std::array<uint8_t, 16> bytes{};
  unsigned bits() const { return family == AF_INET ? 32 : 128; }
};

constexpr std::array<uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

RawAddress raw_address(const SocketAddress& address) {
  RawAddress raw;
  raw.family = address.family();
  if (raw.family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address.get());
    std::memcpy(raw.bytes.data(), &v4->sin_addr, 4);
  } else if (raw.family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address.get());
    std::memcpy(raw.bytes.data(), &v6->sin6_addr, 16);
  }
  return raw;
}

bool is_v4_mapped(const RawAddress& raw) {
  return raw.family == AF_INET6 &&
         std::memcmp(raw.bytes.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size()) == 0;
}

RawAddress unmapped(RawAddress raw) {
  if (!is_v4_mapped(raw)) return raw;
  RawAddress v4;
  v4.family = AF_INET;
  std::memcpy(v4.bytes.data(), raw.bytes.data() + 12, 4);
  return v4;
}

bool bit_at(const RawAddress& raw, unsigned index) {
  return (raw.bytes[index / 8] >> (7 - index % 8)) & 1;
}

bool matches(const RawAddress& network, unsigned prefix_length, const RawAddress& client) {
  if (network.family != client.family) return false;
  const unsigned whole_bytes = prefix_length / 8;
  if (std::memcmp(network.bytes.data(), client.bytes.data(), whole_bytes) != 0) return false;
  for (unsigned bit = whole_bytes * 8; bit < prefix_length; ++bit) {
    if (bit_at(network, bit) != bit_at(client, bit)) return false;
  }
  return true;
}

std::optional<RawAddress> parse_raw_address(const std::string& text) {
  RawAddress raw;
  if (inet_pton(AF_INET, text.c_str(), raw.bytes.data()) == 1) {
    raw.family = AF_INET;
    return raw;
  }
  if (inet_pton(AF_INET6, text.c_str(), raw.bytes.data()) == 1) {
    raw.family = AF_INET6;
    return raw;
  }
  return std::nullopt;
}

SocketAddress to_socket_address(const RawAddress& raw) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(raw.family, raw.bytes.data(), text, sizeof text);
  return *SocketAddress::parse(raw.family == AF_INET6 ? "[" + std::string(text) + "]:0"
                                                      : std::string(text) + ":0");
}

AccessAction parse_action(std::string_view text) {
  if (text == "allow") return AccessAction::Allow;
  if (text == "refuse") return AccessAction::Refuse;
  if (text == "deny") return AccessAction::Deny;
  throw BadValue(in_quotes(text) + " is not allow, refuse or deny");
}

unsigned parse_prefix_length(std::string_view prefix, std::string_view length, unsigned bits) {
  unsigned value = 0;
  const char* end = length.data() + length.size();
  auto [stop, error] = std::from_chars(length.data(), end, value);
  if (length.empty() || error != std::errc() || stop != end || value > bits) {
    throw BadValue(in_quotes(prefix) + ": the prefix length must be 0 to " + std::to_string(bits) +
                   (bits == 32 ? " for IPv4" : " for IPv6"));
  }
  return value;
}

// Bits after the prefix length must be zero, as Unbound demands: "10.0.0.1/8" is likely a typo
// for a host or for 10.0.0.0/8, and guessing which would widen or narrow who may query.
void check_host_bits(std::string_view prefix, const RawAddress& network, unsigned length) {
  RawAddress masked = network;
  for (unsigned bit = length; bit < network.bits(); ++bit) {
    masked.bytes[bit / 8] &= static_cast<uint8_t>(~(1u << (7 - bit % 8)));
  }
  if (masked.bytes != network.bytes) {
    const AccessRule suggestion{to_socket_address(masked), length, AccessAction::Allow};
    throw BadValue(in_quotes(prefix) + " has bits set after the prefix length (did you mean " +
                   prefix_text(suggestion) + "?)");
  }
}

}  // namespace

AccessAction decide_access(const std::vector<AccessRule>& rules, const SocketAddress& client) {
  const RawAddress address = unmapped(raw_address(client));
  const AccessRule* best = nullptr;
  for (const auto& rule : rules) {
    if (!matches(raw_address(rule.network), rule.prefix_length, address)) continue;
    if (best == nullptr || rule.prefix_length > best->prefix_length) best = &rule;
  }
  return best != nullptr ? best->action : AccessAction::Refuse;
}

AccessRule parse_access_rule(std::string_view text) {
  const auto blank = text.find_first_of(" \t");
  if (blank == std::string_view::npos) {
    throw BadValue(in_quotes(text) + " is not PREFIX ACTION (e.g. 10.0.0.0/8 allow)");
  }
  const std::string_view prefix = text.substr(0, blank);
  const AccessAction action = parse_action(trim(text.substr(blank)));
  const auto slash = prefix.find('/');
  const auto network = parse_raw_address(std::string(prefix.substr(0, slash)));
  if (!network) {
    throw BadValue(in_quotes(prefix) + " is not an IPv4 or IPv6 address with an optional /LENGTH");
  }
  unsigned length = network->bits();
  if (slash != std::string_view::npos) {
    length = parse_prefix_length(prefix, prefix.substr(slash + 1), network->bits());
  }
  check_host_bits(prefix, *network, length);
  // Clients are matched unmapped, so a rule written as ::ffff:a.b.c.d/N (N >= 96) is kept as the
  // IPv4 prefix it names, or it would never match.
  if (is_v4_mapped(*network) && length >= 96) {
    return AccessRule{to_socket_address(unmapped(*network)), length - 96, action};
  }
  return AccessRule{to_socket_address(*network), length, action};
}

void add_access_rule(std::vector<AccessRule>& rules, AccessRule rule) {
  for (const auto& existing : rules) {
    if (existing.network.same_address(rule.network) &&
        existing.prefix_length == rule.prefix_length) {
      throw BadValue(prefix_text(rule) + " is listed twice");
    }
  }
  rules.push_back(rule);
}

std::vector<AccessRule> default_access_rules() {
  return {AccessRule{*SocketAddress::parse("127.0.0.0:0"), 8, AccessAction::Allow},
          AccessRule{*SocketAddress::parse("[::1]:0"), 128, AccessAction::Allow}};
}

std::string prefix_text(const AccessRule& rule) {
  return rule.network.address_text() + "/" + std::to_string(rule.prefix_length);
}

}  // namespace vigil
