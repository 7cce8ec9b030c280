// One DNS over TLS upstream (RFC 7858): its settings, its one connection at a time that carries
// every query to it pipelined (RFC 7766 6.2.1.1), the TLS session kept for resumption, and what
// `vigilctl status` shows about it. An upstream that fails authentication is marked down with a
// security event; nothing is ever sent to it in clear text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "daemon/config/config.h"
#include "daemon/log.h"
#include "daemon/net/spki_pin.h"
#include "daemon/net/tls_context.h"
#include "daemon/net/upstream_exchange.h"
#include "daemon/net/upstream_health.h"

namespace vigil {

class TlsConnection;
class TlsExchange;

// What the TLS client borrows from the daemon; all of it outlives every TLS upstream.
struct TlsEnvironment {
  UpstreamIo io;
  SecurityLog& security;
  const Loggers& log;
  uint64_t handshake_timeout_ms = 1500;  // connect and handshake together
};

// The upstream's certificate as last seen, and its connection, for `vigilctl status`.
struct TlsStatus {
  std::string subject;              // RFC 2253 form; empty before the first handshake
  std::optional<SpkiDigest> spki;   // of the end-entity certificate
  std::optional<bool> pin_matched;  // nullopt: no pins configured (or not seen yet)
  std::string state = "idle";       // idle, connecting, connected, failed
  std::string last_error;           // why the last connection failed, if it did
  uint64_t handshakes = 0, resumed = 0;
};

class TlsClient {
 public:
  // RFC 7766 6.2.3: the client closes an idle connection; 10 s unless the server asks for less
  // (RFC 7828 edns-tcp-keepalive).
  static constexpr uint64_t kIdleTimeoutMs = 10'000;
  // After a failed authentication, queries fail at once for this long instead of each making
  // a handshake of its own; then the next one tries again (the upstream may have been fixed).
  static constexpr uint64_t kAuthenticationRetryMs = 1'000;

  TlsClient(TlsUpstream settings, UpstreamHealth& health);
  ~TlsClient();  // closes the connection; its exchanges must have been cancelled
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  const TlsUpstream& settings() const { return settings_; }
  const TlsStatus& status() const { return status_; }

  // On reload: the next connection reads the CA file again and starts without the old session
  // (a connection open now keeps going).
  void reread_certificates() {
    ctx_.reset();
    session_.reset();
  }

  // Queues the exchange on the connection, opening one if there is none. Returns a uv error if
  // it cannot: the upstream failed authentication and is still backed off, or no socket.
  int add(const TlsEnvironment& environment, TlsExchange& exchange);

 private:
  friend class TlsConnection;
  TlsConnection* connection(int& error);
  // From the connection.
  void connected(bool resumed);
  void connection_lost(TlsConnection& connection, const std::string& why);
  void authentication_failed(const std::string& why);
  void keep_session(SslSessionPtr session) { session_ = std::move(session); }

  TlsUpstream settings_;
  UpstreamHealth& health_;
  std::optional<TlsEnvironment> environment_;  // from the first query
  SslCtxPtr ctx_;
  SslSessionPtr session_;  // offered for resumption by the next connection
  TlsConnection* connection_ = nullptr;
  bool authentication_failed_ = false;  // until a handshake succeeds again
  uint64_t authentication_failed_ms_ = 0;
  TlsStatus status_;
};

}  // namespace vigil
