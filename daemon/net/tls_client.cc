#include "daemon/net/tls_client.h"

#include "daemon/net/tls_connection.h"
#include "daemon/net/tls_exchange.h"

namespace vigil {

TlsClient::TlsClient(TlsUpstream settings, UpstreamHealth& health)
    : settings_(std::move(settings)), health_(health) {}

TlsClient::~TlsClient() {
  if (connection_ != nullptr) connection_->close();
}

int TlsClient::add(const TlsEnvironment& environment, TlsExchange& exchange) {
  environment_.emplace(environment);  // the latest: a reload may change the timeout
  // Right after a failed authentication, queries fail at once rather than each making one more
  // handshake with whoever answers at that address. Not for the whole back-off: every such
  // failure extends it, and a steady stream of queries would keep a fixed upstream out forever.
  if (authentication_failed_ &&
      uv_now(environment.io.loop) - authentication_failed_ms_ < kAuthenticationRetryMs) {
    return UV_EPROTO;
  }
  int error = 0;
  TlsConnection* current = connection(error);
  if (current == nullptr) return error;
  current->add(exchange);
  return 0;
}

TlsConnection* TlsClient::connection(int& error) {
  if (connection_ != nullptr) return connection_;
  if (!ctx_) {
    std::string why;
    ctx_ = make_tls_context(settings_, &TlsConnection::on_new_session, why);
    if (!ctx_) {
      environment_->log.upstream->error("upstream {}: {}", settings_.name(), why);
      status_.state = "failed";
      status_.last_error = why;
      error = UV_EINVAL;
      return nullptr;
    }
  }
  connection_ = TlsConnection::open(*this, *environment_, error);
  if (connection_ != nullptr) status_.state = "connecting";
  return connection_;
}

void TlsClient::connected(bool resumed) {
  authentication_failed_ = false;
  status_.state = "connected";
  status_.last_error.clear();
  ++status_.handshakes;
  if (resumed) ++status_.resumed;
  environment_->log.upstream->debug("upstream {}: TLS connected{}", settings_.name(),
                                    resumed ? " (session resumed)" : "");
}

void TlsClient::connection_lost(TlsConnection& connection, const std::string& why) {
  if (connection_ != &connection) return;
  connection_ = nullptr;
  if (why == "idle") {
    status_.state = "idle";
    return;
  }
  status_.state = authentication_failed_ ? "failed" : "idle";
  status_.last_error = why;
  environment_->log.upstream->debug("upstream {}: TLS connection ended: {}", settings_.name(), why);
}

// RFC 8310 5.1 (strict profile): an upstream that cannot be authenticated is not used. It is
// marked down at once (not after three failures), and the operator hears why, with the key it
// presented so that a legitimate key change can be pinned.
void TlsClient::authentication_failed(const std::string& why) {
  authentication_failed_ = true;
  session_.reset();  // a session from before proves nothing now
  const uint64_t now = uv_now(environment_->io.loop);
  authentication_failed_ms_ = now;
  health_.mark_down(now);
  status_.state = "failed";
  status_.last_error = why;
  environment_->security.event(
      "tls_auth_failed",
      fmt::format("upstream={} auth_name={} reason=\"{}\" subject=\"{}\" spki={} backoff_ms={}",
                  settings_.name(), settings_.auth_name, why, status_.subject,
                  status_.spki ? spki_pin_text(*status_.spki) : std::string("-"),
                  health_.backoff_until_ms() - now));
}

}  // namespace vigil
