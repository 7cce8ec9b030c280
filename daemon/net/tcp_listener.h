// A TCP socket that clients connect to; it owns their connections and caps how many there are.
// With a TLS context it serves DNS over TLS (RFC 7858) under the same limits.
#pragma once

#include <uv.h>

#include <memory>
#include <unordered_map>

#include "daemon/net/tcp_connection.h"

namespace vigil {

class TcpListener {
 public:
  // Binds and listens at once; throws std::runtime_error naming the address if it cannot.
  // `tls`: serve DNS over TLS with this context (shared by the TLS listeners), else plain TCP.
  // `reuse_port`: with SO_REUSEPORT, so that each worker (daemon/worker.h) listens here too.
  TcpListener(uv_loop_t* loop, const SocketAddress& address, QueryPipeline& pipeline, Stats& stats,
              const Config& config, std::shared_ptr<SSL_CTX> tls = nullptr,
              bool reuse_port = false);
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  void reconfigure(QueryPipeline& pipeline, const Config& config);
  // A reloaded certificate: new connections use it, open ones keep theirs.
  void set_tls_context(std::shared_ptr<SSL_CTX> tls) { tls_ = std::move(tls); }
  const SocketAddress& address() const { return address_; }

 private:
  struct Holder {
    uv_tcp_t handle;
    TcpListener* owner;
  };
  void on_connection();

  uv_loop_t* loop_;
  SocketAddress address_;
  QueryPipeline* pipeline_;
  Stats& stats_;
  TcpLimits limits_;
  unsigned max_connections_;
  std::shared_ptr<SSL_CTX> tls_;
  Holder* holder_;
  std::unordered_map<TcpConnection*, std::shared_ptr<TcpConnection>> connections_;
};

}  // namespace vigil
