// OpenSSL objects for DNS over TLS, each owned by a unique_ptr with its free function; the SSL_CTX
// one TLS upstream's connections share: TLS 1.2 at least (1.3 preferred), the strict profile of
// RFC 8310 (the chain must verify against `ca=` or the system store, for AUTH_NAME) unless the
// upstream is pin-only, and client-side session caching for resumption; and the server side's.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "daemon/config/config.h"

namespace vigil {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
struct SslSessionFree {
  void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;
using SslSessionPtr = std::unique_ptr<SSL_SESSION, SslSessionFree>;

// Called by OpenSSL when the server hands out a session (a TLS 1.3 ticket arrives after the
// handshake): the SSL's app data names the connection that keeps it.
using NewSessionCallback = int (*)(SSL* ssl, SSL_SESSION* session);

// The context for `upstream`, or nullptr with `error` saying why (an unreadable CA file).
SslCtxPtr make_tls_context(const TlsUpstream& upstream, NewSessionCallback on_new_session,
                           std::string& error);

// One connection's SSL: SNI and the name to verify are AUTH_NAME (RFC 8310 8.1), the reading
// and writing ends are memory BIOs that the caller feeds from and drains to its socket.
// `session`, if any, is offered for resumption.
SslPtr make_tls_session(SSL_CTX* ctx, const TlsUpstream& upstream, SSL_SESSION* session,
                        std::string& error);

// The context of the DNS over TLS listeners: TLS 1.2 at least, the certificate chain and key
// of these PEM files (which must match), or nullptr with `error` naming the file at fault.
SslCtxPtr make_tls_server_context(const std::string& certificate_file, const std::string& key_file,
                                  std::string& error);

// Gives `ssl` a memory BIO to read from and one to write to (the SSL owns them); false if out
// of memory. The caller moves bytes between them and its socket.
bool attach_memory_bios(SSL* ssl);

// The last OpenSSL error on this thread as text (and the queue emptied), for logs.
std::string openssl_error_text();

}  // namespace vigil
