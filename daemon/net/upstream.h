// What vigil remembers about each upstream resolver between queries: its health, its DNS cookies
// and whether it echoes 0x20 case, and for a DNS over TLS upstream its connection and session.
// Upstreams are grouped: the default group, and one group per forward zone (split DNS).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "daemon/net/socket_address.h"
#include "daemon/net/tls_client.h"
#include "daemon/net/upstream_health.h"

namespace vigil {

struct Upstream {
  SocketAddress address;
  UpstreamHealth health;
  // RFC 7873 / RFC 9018: our client cookie is random per upstream; the server's, once learned,
  // is sent back and then required on every UDP reply.
  std::array<uint8_t, 8> client_cookie{};
  std::array<uint8_t, 32> server_cookie{};
  uint8_t server_cookie_length = 0;
  bool case_exempt = false;  // found not to echo 0x20 case: queried in lower case
  // Set for a tls:// upstream: it is only ever asked over TLS, never UDP or plain TCP.
  std::unique_ptr<TlsClient> tls;

  std::string name() const { return tls ? tls->settings().name() : address.to_string(); }
  std::vector<uint8_t> cookie_option() const;  // client cookie + server cookie, if any
};

struct UpstreamGroup {
  uint64_t id = 0;           // part of the in-flight key: answers never cross groups
  std::string zone;          // "." for the default group
  std::vector<std::shared_ptr<Upstream>> upstreams;
  bool has_tls() const;
};

}  // namespace vigil
