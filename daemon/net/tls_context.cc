#include "daemon/net/tls_context.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace vigil {

std::string openssl_error_text() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no detail from OpenSSL";
  std::string text(256, '\0');
  ERR_error_string_n(code, text.data(), text.size());
  text.resize(text.find('\0'));
  return text;
}

SslCtxPtr make_tls_context(const TlsUpstream& upstream, NewSessionCallback on_new_session,
                           std::string& error) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) {
    error = "cannot create a TLS context: " + openssl_error_text();
    return nullptr;
  }
  // RFC 8310 / RFC 7525: nothing older than TLS 1.2; OpenSSL offers 1.3 first.
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (upstream.pin_only) {
    // The pin is checked once the handshake is done (TlsConnection), before any query is sent.
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    const int loaded = upstream.ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx.get())
                                                : SSL_CTX_load_verify_locations(
                                                      ctx.get(), upstream.ca_file.c_str(), nullptr);
    if (loaded != 1) {
      error = "cannot load the CA certificates " +
              (upstream.ca_file.empty() ? std::string("of the system") : upstream.ca_file) + ": " +
              openssl_error_text();
      return nullptr;
    }
  }
  // Sessions are kept by the TLS upstream, not in OpenSSL's cache: one upstream, one session.
  SSL_CTX_set_session_cache_mode(ctx.get(),
                                 SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx.get(), on_new_session);
  return ctx;
}

bool attach_memory_bios(SSL* ssl) {
  BIO* network_in = BIO_new(BIO_s_mem());
  BIO* network_out = BIO_new(BIO_s_mem());
  if (network_in == nullptr || network_out == nullptr) {
    BIO_free(network_in);
    BIO_free(network_out);
    return false;
  }
  // An empty memory BIO reports "retry" rather than end of file: more bytes may come.
  BIO_set_mem_eof_return(network_in, -1);
  SSL_set_bio(ssl, network_in, network_out);  // the SSL owns both from here
  return true;
}

SslCtxPtr make_tls_server_context(const std::string& certificate_file, const std::string& key_file,
                                  std::string& error) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) {
    error = "cannot create a TLS context: " + openssl_error_text();
    return nullptr;
  }
  // RFC 8310 / RFC 7525: nothing older than TLS 1.2.
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                     SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), certificate_file.c_str()) != 1) {
    error = "tls-certificate " + certificate_file + ": " + openssl_error_text();
    return nullptr;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    error = "tls-key " + key_file + ": " + openssl_error_text();
    return nullptr;
  }
  if (SSL_CTX_check_private_key(ctx.get()) != 1) {
    error = "tls-key " + key_file + " does not match tls-certificate " + certificate_file + ": " +
            openssl_error_text();
    return nullptr;
  }
  return ctx;
}

SslPtr make_tls_session(SSL_CTX* ctx, const TlsUpstream& upstream, SSL_SESSION* session,
                        std::string& error) {
  SslPtr ssl(SSL_new(ctx));
  if (!ssl || !attach_memory_bios(ssl.get())) {
    error = "cannot create a TLS session: " + openssl_error_text();
    return nullptr;
  }
  SSL_set_connect_state(ssl.get());
  if (SSL_set_tlsext_host_name(ssl.get(), upstream.auth_name.c_str()) != 1 ||
      (!upstream.pin_only && SSL_set1_host(ssl.get(), upstream.auth_name.c_str()) != 1)) {
    error = "cannot set the name " + upstream.auth_name + ": " + openssl_error_text();
    return nullptr;
  }
  if (!upstream.pin_only) {
    // RFC 6125 6.4.4: the name must be in the subjectAltName, never only in the CN.
    SSL_set_hostflags(ssl.get(),
                      X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  }
  if (session != nullptr) SSL_set_session(ssl.get(), session);
  return ssl;
}

}  // namespace vigil
