#include "daemon/net/tls_connection.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>

#include "daemon/net/tls_exchange.h"
#include "daemon/net/tls_query.h"
#include "dns/wire.h"

namespace vigil {

namespace {

constexpr std::size_t kLengthPrefix = 2;
constexpr std::size_t kPlaintextChunk = 16384;  // one TLS record's worth
// More exchanges than IDs cannot have unique IDs; long before that, a new draw finds a free one.
constexpr int kTxidDraws = 64;
// An upstream that takes the queries but answers none of them (a stalled server behind a live
// TCP connection) would hold every later query until its timeout: after this many queries in
// a row were given up on, the connection is replaced.
constexpr unsigned kMaxUnanswered = 3;

std::string subject_text(X509* certificate) {
  BIO* out = BIO_new(BIO_s_mem());
  if (out == nullptr) return {};
  X509_NAME_print_ex(out, X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long length = BIO_get_mem_data(out, &data);
  std::string text(data, static_cast<std::size_t>(std::max(length, 0L)));
  BIO_free(out);
  return text;
}

// The end-entity certificate, also after a failed verification (when OpenSSL has not made it
// the session's peer certificate): the first of the chain the server sent.
X509* end_entity(SSL* ssl) {
  if (X509* peer = SSL_get0_peer_certificate(ssl)) return peer;
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  return chain != nullptr && sk_X509_num(chain) > 0 ? sk_X509_value(chain, 0) : nullptr;
}

bool matches_a_pin(X509* certificate, const std::vector<std::array<uint8_t, 32>>& pins) {
  const auto digest = spki_digest(certificate);
  return digest && std::find(pins.begin(), pins.end(), *digest) != pins.end();
}

}  // namespace

TlsConnection::TlsConnection(TlsClient& owner, const TlsEnvironment& environment)
    : handle{}, owner_(&owner), environment_(environment), timer_(environment.io.loop) {
  handle.data = this;
}

TlsConnection* TlsConnection::open(TlsClient& owner, const TlsEnvironment& environment,
                                   int& error) {
  std::string why;
  SslPtr ssl = make_tls_session(owner.ctx_.get(), owner.settings_, owner.session_.get(), why);
  if (!ssl) {
    environment.log.upstream->error("upstream {}: {}", owner.settings_.name(), why);
    error = UV_ENOMEM;
    return nullptr;
  }
  auto* connection = new TlsConnection(owner, environment);
  connection->ssl_ = std::move(ssl);
  SSL_set_app_data(connection->ssl_.get(), connection);
  error = uv_tcp_init(environment.io.loop, &connection->handle);
  if (error != 0) {
    delete connection;
    return nullptr;
  }
  connection->connect_request_.data = connection;
  error = uv_tcp_connect(&connection->connect_request_, &connection->handle,
                         owner.settings_.address.get(), [](uv_connect_t* request, int status) {
                           static_cast<TlsConnection*>(request->data)->on_connected(status);
                         });
  if (error != 0) {
    connection->owner_ = nullptr;
    connection->close();
    return nullptr;
  }
  connection->arm_timer();
  return connection;
}

void TlsConnection::close() {
  owner_ = nullptr;
  state_ = State::Closed;
  // OpenSSL makes a session that ends without close_notify unresumable; an upstream that
  // closes an idle or busy connection is no reason to forget it (a failed authentication
  // drops the session in TlsClient).
  if (ssl_) SSL_set_shutdown(ssl_.get(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  timer_.stop();
  for (TlsExchange* exchange : exchanges_) exchange->connection_ = nullptr;
  exchanges_.clear();
  close_and_delete(this);
}

// One timer: the connect and handshake deadline, then the idle timeout once nothing is in
// flight. While queries are in flight their own timers bound the wait (QueryTask).
void TlsConnection::arm_timer() {
  if (state_ == State::Connected && unanswered_ >= kMaxUnanswered) {
    // Not from inside remove(): that runs in a query's cancel(), where no other callback may.
    timer_.start(0, [this] {
      fail(std::to_string(unanswered_) + " queries in a row got no answer", UV_ETIMEDOUT, false);
    });
  } else if (state_ == State::Connecting || state_ == State::Handshaking) {
    timer_.start(environment_.handshake_timeout_ms, [this] {
      fail("no TLS handshake within " + std::to_string(environment_.handshake_timeout_ms) + "ms",
           UV_ETIMEDOUT, false);
    });
  } else if (state_ == State::Connected && exchanges_.empty()) {
    timer_.start(idle_timeout_ms_, [this] {
      if (owner_ != nullptr) owner_->connection_lost(*this, "idle");
      close();
    });
  } else {
    timer_.stop();
  }
}

void TlsConnection::on_connected(int status) {
  if (state_ == State::Closed) return;
  if (status != 0) return fail(std::string("connect: ") + uv_strerror(status), status, false);
  uv_tcp_nodelay(&handle, 1);
  state_ = State::Handshaking;
  const int rc = uv_read_start(
      reinterpret_cast<uv_stream_t*>(&handle),
      [](uv_handle_t* h, size_t, uv_buf_t* out) {
        auto* self = static_cast<TlsConnection*>(h->data);
        auto& buffer = self->environment_.io.receive_buffer;
        *out = uv_buf_init(reinterpret_cast<char*>(buffer.data()),
                           static_cast<unsigned>(buffer.size()));
      },
      [](uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
        static_cast<TlsConnection*>(s->data)->on_read(nread, buf);
      });
  if (rc != 0) return fail(std::string("read: ") + uv_strerror(rc), rc, false);
  continue_handshake();
}

void TlsConnection::on_read(ssize_t nread, const uv_buf_t* buf) {
  if (state_ == State::Closed) return;
  if (nread < 0) {
    const int error = static_cast<int>(nread);
    return fail(
        error == UV_EOF ? "closed by the upstream" : std::string("read: ") + uv_strerror(error),
        error, false);
  }
  if (nread == 0) return;
  if (BIO_write(SSL_get_rbio(ssl_.get()), buf->base, static_cast<int>(nread)) != nread) {
    return fail("cannot buffer what the upstream sent", UV_ENOMEM, false);
  }
  if (state_ == State::Handshaking) return continue_handshake();
  read_plaintext();
}

void TlsConnection::continue_handshake() {
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl_.get());
  flush_to_socket();  // the ClientHello, a Finished, or an alert
  if (state_ == State::Closed) return;
  if (rc != 1) {
    const int reason = SSL_get_error(ssl_.get(), rc);
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return;
    record_peer_certificate();
    const long verify = SSL_get_verify_result(ssl_.get());
    const bool pin_only = owner_ != nullptr && owner_->settings_.pin_only;
    if (verify != X509_V_OK && !pin_only) {
      return fail(std::string("certificate rejected: ") + X509_verify_cert_error_string(verify),
                  UV_EPROTO, true);
    }
    return fail("TLS handshake failed: " + openssl_error_text(), UV_EPROTO, false);
  }
  record_peer_certificate();
  std::string why;
  if (!check_peer(why)) return fail(why, UV_EPROTO, true);
  state_ = State::Connected;
  const bool resumed = SSL_session_reused(ssl_.get()) == 1;
  if (owner_ != nullptr) {
    if (new_session_) owner_->keep_session(std::move(new_session_));
    owner_->connected(resumed);
  }
  // What was queued during the handshake goes now, in one flight.
  for (TlsExchange* exchange : std::vector<TlsExchange*>(exchanges_)) {
    if (!exchange->sent_) send(*exchange);
    if (state_ == State::Closed) return;
  }
  flush_to_socket();
  if (state_ == State::Closed) return;
  arm_timer();
  read_plaintext();  // application data may have come with the last handshake flight
}

// RFC 7858 4.2 / RFC 8310: the chain and the name were verified by OpenSSL (strict profile);
// pins, if any, must match as well. With pin-only, a pin on the end-entity certificate is all.
// A resumed session was authenticated when it was made: only that server holds its secret.
bool TlsConnection::check_peer(std::string& why) {
  if (owner_ == nullptr) return true;  // detached: closed before anything is sent
  const TlsUpstream& settings = owner_->settings_;
  if (SSL_session_reused(ssl_.get()) == 1 || settings.pins.empty()) return true;
  X509* leaf = end_entity(ssl_.get());
  if (leaf == nullptr) {
    why = "the upstream sent no certificate";
    return false;
  }
  bool matched = matches_a_pin(leaf, settings.pins);
  if (!matched && !settings.pin_only) {
    // A pin on the issuing CA also holds, once the chain to it is verified.
    if (STACK_OF(X509)* chain = SSL_get0_verified_chain(ssl_.get())) {
      for (int i = 1; i < sk_X509_num(chain) && !matched; ++i) {
        matched = matches_a_pin(sk_X509_value(chain, i), settings.pins);
      }
    }
  }
  owner_->status_.pin_matched = matched;
  if (!matched) why = "no configured pin matches the certificate's key";
  return matched;
}

void TlsConnection::record_peer_certificate() {
  if (owner_ == nullptr) return;
  X509* leaf = end_entity(ssl_.get());
  if (leaf == nullptr) return;
  owner_->status_.subject = subject_text(leaf);
  owner_->status_.spki = spki_digest(leaf);
  if (!owner_->settings_.pins.empty()) {
    owner_->status_.pin_matched = matches_a_pin(leaf, owner_->settings_.pins);
  }
}

void TlsConnection::read_plaintext() {
  std::array<uint8_t, kPlaintextChunk> chunk{};
  while (state_ == State::Connected) {
    ERR_clear_error();
    const int n = SSL_read(ssl_.get(), chunk.data(), static_cast<int>(chunk.size()));
    if (n <= 0) {
      const int reason = SSL_get_error(ssl_.get(), n);
      flush_to_socket();  // e.g. a key update's answer
      if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return;
      if (reason == SSL_ERROR_ZERO_RETURN) return fail("closed by the upstream", UV_EOF, false);
      return fail("TLS error: " + openssl_error_text(), UV_EPROTO, false);
    }
    received_.insert(received_.end(), chunk.begin(), chunk.begin() + n);
    // Whole messages out; what remains is less than one message (at most 2 + 65535 octets).
    std::size_t offset = 0;
    while (state_ == State::Connected && received_.size() - offset >= kLengthPrefix) {
      const std::size_t length = dns::read_u16(received_.data() + offset);
      if (received_.size() - offset < kLengthPrefix + length) break;
      // Copied: a listener may queue a query, or close this connection, while it reads.
      const std::vector<uint8_t> reply(
          received_.begin() + static_cast<long>(offset + kLengthPrefix),
          received_.begin() + static_cast<long>(offset + kLengthPrefix + length));
      offset += kLengthPrefix + length;
      dispatch(reply);
    }
    if (state_ != State::Connected) return;
    received_.erase(received_.begin(), received_.begin() + static_cast<long>(offset));
  }
}

// RFC 7766 7: a reply is the answer to the query in flight with its ID and question.
void TlsConnection::dispatch(dns::Bytes reply) {
  if (reply.size() < 2) return;  // not even an ID
  const uint16_t txid = dns::read_u16(reply.data());
  TlsExchange* near = nullptr;
  for (auto it = exchanges_.begin(); it != exchanges_.end(); ++it) {
    TlsExchange* exchange = *it;
    if (!exchange->sent_ || exchange->txid() != txid) continue;
    const ReplyMatch match = match_reply(reply, exchange->expected_);
    if (match.verdict != ReplyVerdict::Accept) {
      near = exchange;
      continue;
    }
    if (const auto keepalive = announced_keepalive(match.parsed.layout)) {
      idle_timeout_ms_ =
          std::min<uint64_t>(TlsClient::kIdleTimeoutMs, static_cast<uint64_t>(keepalive->count()));
    }
    exchanges_.erase(it);
    exchange->connection_ = nullptr;
    unanswered_ = 0;
    ExchangeListener* listener = exchange->listener_;
    arm_timer();
    listener->on_reply(Transport::Tls, reply, match);
    return;
  }
  // An answer to a query given up on (its task timed out) is normal on a shared connection; a
  // reply with a live query's ID but the wrong question is reported to that query, which keeps
  // waiting for its own (THREATS rule 6).
  if (near != nullptr) {
    near->listener_->on_unwanted(Transport::Tls, match_reply(reply, near->expected_).reason);
  }
}

void TlsConnection::unique_txid(TlsExchange& exchange) {
  for (int draw = 0; draw < kTxidDraws; ++draw) {
    const bool taken = std::any_of(exchanges_.begin(), exchanges_.end(), [&](TlsExchange* other) {
      return other != &exchange && other->txid() == exchange.txid();
    });
    if (!taken) return;
    exchange.set_txid(environment_.io.random.next_u16());
  }
}

void TlsConnection::add(TlsExchange& exchange) {
  exchange.connection_ = this;
  exchange.sent_ = false;
  unique_txid(exchange);
  exchanges_.push_back(&exchange);
  if (state_ != State::Connected) return;  // sent when the handshake is done
  arm_timer();
  send(exchange);
  flush_to_socket();
}

void TlsConnection::remove(TlsExchange& exchange) {
  exchange.connection_ = nullptr;
  std::erase(exchanges_, &exchange);
  if (exchange.sent_) ++unanswered_;
  if (state_ == State::Connected) arm_timer();
}

void TlsConnection::send(TlsExchange& exchange) {
  ERR_clear_error();
  const int n =
      SSL_write(ssl_.get(), exchange.frame_.data(), static_cast<int>(exchange.frame_.size()));
  if (n != static_cast<int>(exchange.frame_.size())) {
    return fail("TLS write failed: " + openssl_error_text(), UV_EPROTO, false);
  }
  exchange.sent_ = true;
}

void TlsConnection::flush_to_socket() {
  BIO* out = SSL_get_wbio(ssl_.get());
  while (state_ != State::Closed && BIO_ctrl_pending(out) > 0) {
    auto* write = new WriteRequest{};
    write->bytes.resize(BIO_ctrl_pending(out));
    const int n = BIO_read(out, write->bytes.data(), static_cast<int>(write->bytes.size()));
    if (n <= 0) {
      delete write;
      return;
    }
    write->bytes.resize(static_cast<std::size_t>(n));
    write->request.data = this;
    uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(write->bytes.data()),
                               static_cast<unsigned>(write->bytes.size()));
    const int rc =
        uv_write(&write->request, reinterpret_cast<uv_stream_t*>(&handle), &buf, 1,
                 [](uv_write_t* request, int status) {
                   auto* done = reinterpret_cast<WriteRequest*>(request);
                   auto* self = static_cast<TlsConnection*>(request->data);
                   delete done;
                   // Cancelled writes report back before the close callback frees
                   // the connection.
                   if (status != 0 && self->state_ != State::Closed) {
                     self->fail(std::string("write: ") + uv_strerror(status), status, false);
                   }
                 });
    if (rc != 0) {
      delete write;
      return fail(std::string("write: ") + uv_strerror(rc), rc, false);
    }
  }
}

int TlsConnection::on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* self = static_cast<TlsConnection*>(SSL_get_app_data(ssl));
  if (self == nullptr || self->owner_ == nullptr) return 0;
  SslSessionPtr kept(session);  // returning 1 hands us the reference
  if (self->state_ == State::Connected) {
    self->owner_->keep_session(std::move(kept));
  } else {
    self->new_session_ = std::move(kept);  // kept only if the certificate passes
  }
  return 1;
}

void TlsConnection::fail(const std::string& why, int error, bool authentication) {
  if (state_ == State::Closed) return;
  const bool was_connected = state_ == State::Connected;
  TlsClient* owner = owner_;
  std::vector<TlsExchange*> exchanges = std::move(exchanges_);
  exchanges_.clear();
  for (TlsExchange* exchange : exchanges) exchange->connection_ = nullptr;
  if (owner != nullptr) {
    if (authentication) owner->authentication_failed(why);
    owner->connection_lost(*this, why);
  }
  close();
  // RFC 7766 6.2.4 / 6.2.5: the upstream may close a connection at any time; what was in
  // flight is sent once more on a new connection. A connection that never got as far as the
  // handshake's end fails its queries: they go to another upstream.
  std::vector<TlsExchange*> failed;
  for (TlsExchange* exchange : exchanges) {
    const bool retry = was_connected && owner != nullptr && !exchange->resent_;
    if (retry) {
      exchange->resent_ = exchange->resent_ || exchange->sent_;
      if (owner->add(environment_, *exchange) == 0) continue;
    }
    failed.push_back(exchange);
  }
  for (TlsExchange* exchange : failed) {
    if (exchange->starting_) {
      exchange->start_error_ = error;  // TlsExchange::start returns it
      continue;
    }
    // Each listener frees its own exchange; none frees another's.
    if (exchange->listener_ != nullptr) exchange->listener_->on_failure(Transport::Tls, error);
  }
}

}  // namespace vigil
