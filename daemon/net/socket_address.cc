#include "daemon/net/socket_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace vigil {

SocketAddress SocketAddress::from_sockaddr(const sockaddr* addr) {
  SocketAddress result;
  if (addr->sa_family == AF_INET) {
    std::memcpy(&result.storage_, addr, sizeof(sockaddr_in));
    result.length_ = sizeof(sockaddr_in);
  } else if (addr->sa_family == AF_INET6) {
    std::memcpy(&result.storage_, addr, sizeof(sockaddr_in6));
    result.length_ = sizeof(sockaddr_in6);
  }
  return result;
}

static std::optional<uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || value > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

std::optional<SocketAddress> SocketAddress::parse(std::string_view text,
                                                  std::optional<uint16_t> default_port) {
  std::string host;
  std::optional<uint16_t> port = default_port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = std::string(text.substr(1, close - 1));
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = parse_port(rest.substr(1));
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    auto colon = text.find(':');
    host = std::string(text.substr(0, colon));
    port = parse_port(text.substr(colon + 1));
  } else {
    host = std::string(text);  // IPv4 without port, or a bare IPv6 address
  }
  if (!port) return std::nullopt;

  SocketAddress result;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&result.storage_);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&result.storage_);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(*port);
    result.length_ = sizeof(sockaddr_in);
    return result;
  }
  result.storage_ = {};
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(*port);
    result.length_ = sizeof(sockaddr_in6);
    return result;
  }
  return std::nullopt;
}

uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

void SocketAddress::set_port(uint16_t port) {
  if (family() == AF_INET) reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  if (family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
}

std::string SocketAddress::address_text() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buffer,
              sizeof buffer);
  } else if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buffer,
              sizeof buffer);
  }
  return buffer;
}

std::string SocketAddress::to_string() const {
  if (is_v6()) return "[" + address_text() + "]:" + std::to_string(port());
  return address_text() + ":" + std::to_string(port());
}

bool SocketAddress::same_address(const SocketAddress& other) const {
  if (family() != other.family()) return false;
  if (family() == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in*>(&other.storage_)->sin_addr.s_addr;
  }
  if (family() == AF_INET6) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr,
                       &reinterpret_cast<const sockaddr_in6*>(&other.storage_)->sin6_addr,
                       sizeof(in6_addr)) == 0;
  }
  return false;
}

bool SocketAddress::operator==(const SocketAddress& other) const {
  return same_address(other) && port() == other.port();
}

}  // namespace vigil
