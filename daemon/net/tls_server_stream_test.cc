#include "daemon/net/tls_server_stream.h"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>
#include <vector>

using namespace vigil;

namespace {

struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

// A server context with a throwaway self-signed P-256 certificate, made in memory.
SslCtxPtr server_context() {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
  std::unique_ptr<X509, X509Free> certificate(X509_new());
  REQUIRE(key);
  REQUIRE(certificate);
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 3600);
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("dot.test"), -1, -1, 0);
  X509_set_issuer_name(certificate.get(), name);
  X509_set_pubkey(certificate.get(), key.get());
  REQUIRE(X509_sign(certificate.get(), key.get(), EVP_sha256()) > 0);
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  REQUIRE(ctx);
  REQUIRE(SSL_CTX_use_certificate(ctx.get(), certificate.get()) == 1);
  REQUIRE(SSL_CTX_use_PrivateKey(ctx.get(), key.get()) == 1);
  return ctx;
}

// A client that trusts anything, over memory BIOs: this tests the server side, not verification.
struct Client {
  SslCtxPtr ctx{SSL_CTX_new(TLS_client_method())};
  SslPtr ssl;
  Client() {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    ssl.reset(SSL_new(ctx.get()));
    REQUIRE(attach_memory_bios(ssl.get()));
    SSL_set_connect_state(ssl.get());
  }
  std::vector<uint8_t> output() {
    BIO* out = SSL_get_wbio(ssl.get());
    std::vector<uint8_t> bytes(BIO_ctrl_pending(out));
    if (!bytes.empty()) BIO_read(out, bytes.data(), static_cast<int>(bytes.size()));
    return bytes;
  }
  void input(const std::vector<uint8_t>& bytes) {
    if (bytes.empty()) return;
    BIO_write(SSL_get_rbio(ssl.get()), bytes.data(), static_cast<int>(bytes.size()));
  }
};

// Runs the handshake to its end, a bounded number of flights.
void handshake(Client& client, TlsServerStream& server) {
  std::vector<uint8_t> plaintext;
  for (int flight = 0; flight < 8 && !(server.is_established() &&
                                       SSL_is_init_finished(client.ssl.get()));
       ++flight) {
    SSL_do_handshake(client.ssl.get());
    const std::vector<uint8_t> records = client.output();
    REQUIRE(server.receive(records.data(), records.size(), plaintext) !=
            TlsServerStream::Status::Failed);
    client.input(server.take_output());
  }
  REQUIRE(server.is_established());
  CHECK(plaintext.empty());
}

}  // namespace

TEST_CASE("RFC 7858 3.3: after the handshake, framed DNS passes both ways inside TLS") {
  const SslCtxPtr ctx = server_context();
  auto server = TlsServerStream::make(ctx.get());
  REQUIRE(server);
  Client client;
  CHECK_FALSE(server->send(std::vector<uint8_t>{0, 1, 0}));  // nothing before the handshake
  handshake(client, *server);
  const std::vector<uint8_t> query = {0, 3, 'a', 'b', 'c', 0, 1, 'd'};
  REQUIRE(SSL_write(client.ssl.get(), query.data(), static_cast<int>(query.size())) ==
          static_cast<int>(query.size()));
  const std::vector<uint8_t> records = client.output();
  std::vector<uint8_t> plaintext;
  CHECK(server->receive(records.data(), records.size(), plaintext) ==
        TlsServerStream::Status::Ok);
  CHECK(plaintext == query);
  const std::vector<uint8_t> answer = {0, 2, 'o', 'k'};
  REQUIRE(server->send(answer));
  client.input(server->take_output());
  std::vector<uint8_t> received(16);
  const int n = SSL_read(client.ssl.get(), received.data(), static_cast<int>(received.size()));
  REQUIRE(n == 4);
  received.resize(4);
  CHECK(received == answer);
}

TEST_CASE("a client that speaks plain DNS on the TLS port fails the handshake: nothing is read") {
  const SslCtxPtr ctx = server_context();
  auto server = TlsServerStream::make(ctx.get());
  REQUIRE(server);
  const std::vector<uint8_t> plain_query = {0, 17, 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                                            0, 0, 1, 0, 1};
  std::vector<uint8_t> plaintext;
  CHECK(server->receive(plain_query.data(), plain_query.size(), plaintext) ==
        TlsServerStream::Status::Failed);
  CHECK(plaintext.empty());
  CHECK_FALSE(server->is_established());
  CHECK_FALSE(server->error().empty());
}

TEST_CASE("close_notify from the client is Closed, not a failure") {
  const SslCtxPtr ctx = server_context();
  auto server = TlsServerStream::make(ctx.get());
  REQUIRE(server);
  Client client;
  handshake(client, *server);
  SSL_shutdown(client.ssl.get());
  const std::vector<uint8_t> records = client.output();
  std::vector<uint8_t> plaintext;
  CHECK(server->receive(records.data(), records.size(), plaintext) ==
        TlsServerStream::Status::Closed);
}
