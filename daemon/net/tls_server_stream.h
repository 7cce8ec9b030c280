// The server side of one client's DNS over TLS connection (RFC 7858) as a filter between the
// socket and the DNS framing of TcpConnection: what the client sent goes in and plain text comes
// out; answers go in and records for the socket come out. OpenSSL works on memory BIOs, so this
// never touches a socket and never blocks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "daemon/net/tls_context.h"
#include "dns/wire.h"

namespace vigil {

class TlsServerStream {
 public:
  enum class Status { Ok, Closed, Failed };  // Closed: the client sent close_notify

  // Nullptr if OpenSSL cannot make the session (out of memory).
  static std::unique_ptr<TlsServerStream> make(SSL_CTX* ctx);

  // Feeds bytes from the socket; appends what they decrypt to (if anything) to `plaintext`.
  // Handshake messages to answer wait in take_output().
  Status receive(const uint8_t* data, std::size_t size, std::vector<uint8_t>& plaintext);
  // Encrypts `plaintext` (only once established); false if the session is broken.
  bool send(dns::Bytes plaintext);
  // The records that must go to the socket now (handshake, answers, alerts); empty if none.
  std::vector<uint8_t> take_output();

  bool is_established() const { return established_; }
  const std::string& error() const { return error_; }  // why receive() failed

 private:
  explicit TlsServerStream(SslPtr ssl) : ssl_(std::move(ssl)) {}
  Status fail(int reason);

  SslPtr ssl_;
  bool established_ = false;
  std::string error_;
};

}  // namespace vigil
