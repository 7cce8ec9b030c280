#include "daemon/net/tls_server_stream.h"

#include <openssl/err.h>

#include <array>

namespace vigil {

namespace {

constexpr std::size_t kPlaintextChunk = 16384;  // one TLS record's worth

}  // namespace

std::unique_ptr<TlsServerStream> TlsServerStream::make(SSL_CTX* ctx) {
  SslPtr ssl(SSL_new(ctx));
  if (!ssl || !attach_memory_bios(ssl.get())) return nullptr;
  SSL_set_accept_state(ssl.get());
  return std::unique_ptr<TlsServerStream>(new TlsServerStream(std::move(ssl)));
}

TlsServerStream::Status TlsServerStream::fail(int reason) {
  if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return Status::Ok;
  if (reason == SSL_ERROR_ZERO_RETURN) return Status::Closed;
  error_ = openssl_error_text();
  return Status::Failed;
}

TlsServerStream::Status TlsServerStream::receive(const uint8_t* data, std::size_t size,
                                                 std::vector<uint8_t>& plaintext) {
  if (size > 0 && BIO_write(SSL_get_rbio(ssl_.get()), data, static_cast<int>(size)) !=
                      static_cast<int>(size)) {
    error_ = "cannot buffer what the client sent";
    return Status::Failed;
  }
  if (!established_) {
    ERR_clear_error();
    const int rc = SSL_do_handshake(ssl_.get());
    if (rc != 1) return fail(SSL_get_error(ssl_.get(), rc));
    established_ = true;
  }
  // Each round takes at least one byte out of the read BIO, so this ends with what came in.
  std::array<uint8_t, kPlaintextChunk> chunk{};
  for (;;) {
    ERR_clear_error();
    const int n = SSL_read(ssl_.get(), chunk.data(), static_cast<int>(chunk.size()));
    if (n <= 0) return fail(SSL_get_error(ssl_.get(), n));
    plaintext.insert(plaintext.end(), chunk.begin(), chunk.begin() + n);
  }
}

bool TlsServerStream::send(dns::Bytes plaintext) {
  if (!established_) return false;
  ERR_clear_error();
  const int n = SSL_write(ssl_.get(), plaintext.data(), static_cast<int>(plaintext.size()));
  return n == static_cast<int>(plaintext.size());
}

std::vector<uint8_t> TlsServerStream::take_output() {
  BIO* out = SSL_get_wbio(ssl_.get());
  std::vector<uint8_t> bytes(BIO_ctrl_pending(out));
  if (bytes.empty()) return bytes;
  const int n = BIO_read(out, bytes.data(), static_cast<int>(bytes.size()));
  bytes.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return bytes;
}

}  // namespace vigil
