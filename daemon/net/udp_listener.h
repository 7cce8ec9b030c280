// A UDP socket that clients query: every datagram goes to the pipeline; replies go back to the
// datagram's source.
#pragma once

#include <uv.h>

#include <array>
#include <functional>
#include <vector>

#include "daemon/net/socket_address.h"
#include "daemon/pipeline/query_pipeline.h"

namespace vigil {

class UdpListener {
 public:
  // Binds at once; throws std::runtime_error naming the address if it cannot.
  UdpListener(uv_loop_t* loop, const SocketAddress& address, QueryPipeline& pipeline);
  ~UdpListener();
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  const SocketAddress& address() const { return address_; }
  void set_pipeline(QueryPipeline& pipeline) { holder_->pipeline = &pipeline; }

 private:
  struct Holder {
    uv_udp_t handle;
    QueryPipeline* pipeline;
    std::array<uint8_t, 65536> buffer;
    void send(const SocketAddress& to, std::vector<uint8_t>&& reply);
  };
  SocketAddress address_;
  Holder* holder_;
};

}  // namespace vigil
