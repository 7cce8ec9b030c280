// A TCP socket that clients connect to; it owns their connections and caps how many there are.
#pragma once

#include <uv.h>

#include <memory>
#include <unordered_map>

#include "daemon/net/tcp_connection.h"

namespace vigil {

class TcpListener {
 public:
  // Binds and listens at once; throws std::runtime_error naming the address if it cannot.
  TcpListener(uv_loop_t* loop, const SocketAddress& address, QueryPipeline& pipeline, Stats& stats,
              const Config& config);
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  void reconfigure(QueryPipeline& pipeline, const Config& config);
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
  Holder* holder_;
  std::unordered_map<TcpConnection*, std::shared_ptr<TcpConnection>> connections_;
};

}  // namespace vigil
