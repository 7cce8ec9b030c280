// One query sent to one upstream over one transport (UdpExchange, TcpExchange, TlsExchange), and how it
// reports back to its owner. An exchange never outlives its owner's interest: cancel() stops all
// callbacks at once, and the exchange frees itself when libuv has closed its socket.
#pragma once

#include <uv.h>

#include <array>
#include <vector>

#include "daemon/net/reply_match.h"
#include "daemon/net/socket_address.h"
#include "dns/random.h"

namespace vigil {

enum class Transport { Udp, Tcp, Tls };  // Tls: upstream only (RFC 7858)
inline const char* to_string(Transport transport) {
  switch (transport) {
    case Transport::Udp: return "udp";
    case Transport::Tcp: return "tcp";
    case Transport::Tls: return "tls";
  }
  return "unknown";
}

class ExchangeListener {
 public:
  virtual ~ExchangeListener() = default;
  virtual void on_reply(Transport transport, dns::Bytes reply, const ReplyMatch& match) = 0;
  virtual void on_near_miss(Transport transport, MismatchReason reason) = 0;
  virtual void on_unwanted(Transport transport, MismatchReason reason) = 0;
  virtual void on_failure(Transport transport, int uv_error) = 0;
};

// What an exchange needs: where to send, the query, and what its reply must look like.
struct ExchangeRequest {
  SocketAddress upstream;
  std::vector<uint8_t> query;  // the question starts at offset 12 (ExpectedReply points into it)
  std::size_t qname_length = 0;
  uint16_t qtype = 0, qclass = 0;
  std::array<uint8_t, 8> client_cookie{};
  bool use_cookie = false;
  bool require_server_cookie = false;
  bool ignore_case = false;
};

// Shared by all exchanges on the loop thread: the receive buffer is used only inside one
// callback at a time.
struct UpstreamIo {
  uv_loop_t* loop;
  dns::Random& random;
  std::vector<uint8_t>& receive_buffer;
  uint16_t port_low, port_high;
};

// The reply expectations of a request, pointing into the request's own bytes.
ExpectedReply expected_reply(const ExchangeRequest& request);

}  // namespace vigil
