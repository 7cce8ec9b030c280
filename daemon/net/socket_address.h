// An IPv4 or IPv6 address with a port, as vigil reads it ("127.0.0.1:53", "[::1]:53") and hands to
// the kernel. Pure: parsing and printing only.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

class SocketAddress {
 public:
  SocketAddress() = default;
  static SocketAddress from_sockaddr(const sockaddr* addr);

  // "ADDR:PORT", "[V6ADDR]:PORT"; with a default_port also a bare "ADDR" or "V6ADDR".
  static std::optional<SocketAddress> parse(std::string_view text,
                                            std::optional<uint16_t> default_port = std::nullopt);

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t length() const { return length_; }
  int family() const { return storage_.ss_family; }
  bool is_v6() const { return family() == AF_INET6; }
  uint16_t port() const;
  void set_port(uint16_t port);
  std::string address_text() const;  // without the port
  std::string to_string() const;     // "127.0.0.1:53" or "[::1]:53"

  bool same_address(const SocketAddress& other) const;  // address only, port ignored
  bool operator==(const SocketAddress& other) const;    // address and port

 private:
  sockaddr_storage storage_{};
  socklen_t length_ = 0;
};

}  // namespace vigil
