// One TCP connection to a DNS over TLS upstream, with OpenSSL driven through memory BIOs: bytes
// from the socket go into the SSL, what the SSL writes goes to the socket. Queries are sent only
// once the handshake is done and the certificate passed (chain and name, and a pin if pinned):
// nothing leaves in clear text. Replies are reassembled from the stream (a length prefix of up
// to 65535 octets is legal; nothing beyond one message is buffered) and matched by ID and
// question to the queries in flight, in whatever order they come.
#pragma once

#include <uv.h>

#include <string>
#include <vector>

#include "daemon/net/tls_client.h"
#include "daemon/uv_handles.h"

namespace vigil {

class TlsConnection {
 public:
  static TlsConnection* open(TlsClient& owner, const TlsEnvironment& environment, int& error);
  ~TlsConnection() = default;  // only through close()
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  void add(TlsExchange& exchange);     // sends at once when connected, else after the handshake
  void remove(TlsExchange& exchange);  // a cancelled query: its reply, if any, is dropped
  void close();                        // detached from the owner, freed once libuv closed it
  bool is_connected() const { return state_ == State::Connected; }
  // OpenSSL's new-session callback for the upstream's SSL_CTX (tls_context.h).
  static int on_new_session(SSL* ssl, SSL_SESSION* session);

  uv_tcp_t handle;  // first member: close_and_delete needs it

 private:
  enum class State { Connecting, Handshaking, Connected, Closed };
  struct WriteRequest {
    uv_write_t request;
    std::vector<uint8_t> bytes;
  };

  TlsConnection(TlsClient& owner, const TlsEnvironment& environment);

  void on_connected(int status);
  void on_read(ssize_t nread, const uv_buf_t* buf);
  void continue_handshake();
  bool check_peer(std::string& why);
  void record_peer_certificate();
  void read_plaintext();
  void dispatch(dns::Bytes reply);
  void send(TlsExchange& exchange);
  void flush_to_socket();
  void arm_timer();
  void unique_txid(TlsExchange& exchange);
  // The connection is over: queries sent on it go once more on a new one (if they have not been
  // already), the rest fail. `authentication` marks the upstream down.
  void fail(const std::string& why, int error, bool authentication);

  TlsClient* owner_;  // null once detached
  TlsEnvironment environment_;
  State state_ = State::Connecting;
  SslPtr ssl_;
  SslSessionPtr new_session_;  // given before the certificate was checked (TLS 1.2)
  std::vector<TlsExchange*> exchanges_;
  std::vector<uint8_t> received_;  // plain text from the stream, not yet a whole message
  uv_connect_t connect_request_{};
  Timer timer_;
  uint64_t idle_timeout_ms_ = TlsClient::kIdleTimeoutMs;
  unsigned unanswered_ = 0;  // queries given up on in a row, without a reply in between
};

}  // namespace vigil
