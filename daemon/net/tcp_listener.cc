#include "daemon/net/tcp_listener.h"

#include <algorithm>
#include <stdexcept>

#include "daemon/net/reuse_port.h"

namespace vigil {

namespace {

constexpr int kBacklog = 128;
// A TLS client has this long (or the idle timeout, if shorter) from its connection to the end of
// its handshake: a slow-loris that never finishes one must not keep a connection slot.
constexpr uint64_t kTlsHandshakeTimeoutMs = 5000;

TcpLimits limits_from(const Config& config) {
  const auto idle_ms = static_cast<uint64_t>(config.tcp_idle_timeout.count());
  return TcpLimits{idle_ms, config.tcp_max_queries_per_connection, config.tcp_max_buffered_bytes,
                   std::min(idle_ms, kTlsHandshakeTimeoutMs)};
}

}  // namespace

TcpListener::TcpListener(uv_loop_t* loop, const SocketAddress& address, QueryPipeline& pipeline,
                         Stats& stats, const Config& config, std::shared_ptr<SSL_CTX> tls,
                         bool reuse_port)
    : loop_(loop),
      address_(address),
      pipeline_(&pipeline),
      stats_(stats),
      limits_(limits_from(config)),
      max_connections_(config.tcp_max_connections),
      tls_(std::move(tls)),
      holder_(new Holder{{}, this}) {
  int rc = 0;
  if (reuse_port) {
    // The socket must exist before bind() to take the option.
    uv_tcp_init_ex(loop, &holder_->handle, address.is_v6() ? AF_INET6 : AF_INET);
    rc = set_reuse_port(reinterpret_cast<uv_handle_t*>(&holder_->handle));
  } else {
    uv_tcp_init(loop, &holder_->handle);
  }
  holder_->handle.data = holder_;
  if (rc == 0) {
    rc = uv_tcp_bind(&holder_->handle, address.get(), address.is_v6() ? UV_TCP_IPV6ONLY : 0);
  }
  if (rc == 0) {
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&holder_->handle), kBacklog,
                   [](uv_stream_t* server, int status) {
                     if (status == 0) static_cast<Holder*>(server->data)->owner->on_connection();
                   });
  }
  if (rc != 0) {
    close_and_delete(holder_);
    throw std::runtime_error(std::string("cannot listen on ") + (tls_ ? "tls://" : "tcp ") +
                             address.to_string() + ": " + uv_strerror(rc));
  }
}

TcpListener::~TcpListener() {
  auto connections = std::move(connections_);
  for (auto& [raw, connection] : connections) connection->close();
  close_and_delete(holder_);
}

void TcpListener::reconfigure(QueryPipeline& pipeline, const Config& config) {
  pipeline_ = &pipeline;
  limits_ = limits_from(config);
  max_connections_ = config.tcp_max_connections;
}

void TcpListener::on_connection() {
  auto connection = std::make_shared<TcpConnection>(
      loop_, *pipeline_, stats_, limits_,
      [this](TcpConnection& closed) { connections_.erase(&closed); }, tls_.get());
  if (uv_accept(reinterpret_cast<uv_stream_t*>(&holder_->handle), connection->stream()) != 0) {
    connection->close();
    return;
  }
  if (connections_.size() >= max_connections_) {
    ++stats_.tcp_rejected;  // accepted only to be closed at once, so the backlog cannot fill
    connection->close();
    return;
  }
  sockaddr_storage peer{};
  int length = sizeof peer;
  uv_tcp_getpeername(reinterpret_cast<uv_tcp_t*>(connection->stream()),
                     reinterpret_cast<sockaddr*>(&peer), &length);
  ++stats_.tcp_connections;
  connections_.emplace(connection.get(), connection);
  connection->start(SocketAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&peer)));
}

}  // namespace vigil
