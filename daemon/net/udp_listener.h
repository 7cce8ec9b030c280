// A UDP socket that clients query: every datagram goes to the pipeline; replies go back to the
// datagram's source. Datagrams are read in batches (recvmmsg), and the replies a batch answers at
// once (cache hits, local answers) leave together (sendmmsg): two system calls per batch instead
// of two per query. Replies made later (upstream answers) are gathered until the end of the loop
// turn that made them and leave together too.
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "daemon/net/socket_address.h"
#include "daemon/pipeline/query_pipeline.h"

namespace vigil {

class UdpListener {
 public:
  // Binds at once; throws std::runtime_error naming the address if it cannot. `reuse_port`:
  // with SO_REUSEPORT, so that each worker (daemon/worker.h) binds a socket of its own here.
  UdpListener(uv_loop_t* loop, const SocketAddress& address, QueryPipeline& pipeline,
              bool reuse_port = false);
  ~UdpListener();
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  const SocketAddress& address() const { return address_; }
  void set_pipeline(QueryPipeline& pipeline) { holder_->pipeline = &pipeline; }

 private:
  // Datagrams one recvmmsg reads at most; libuv gives each a 64 KiB slice of the buffer.
  static constexpr std::size_t kBatch = 16;
  static constexpr std::size_t kSlice = 65536;

  struct PendingReply {
    SocketAddress to;
    std::vector<uint8_t> data;
  };
  struct Holder {
    uv_udp_t handle;
    QueryPipeline* pipeline;
    // Not zeroed: only the bytes the kernel writes are touched (and resident).
    std::unique_ptr<uint8_t[]> buffer = std::make_unique_for_overwrite<uint8_t[]>(kBatch * kSlice);
    bool in_batch = false;               // between a batch's first datagram and its end
    std::vector<PendingReply> pending;  // sent at the batch's end, or by `flush_later`
    struct FlushCheck {
      uv_check_t handle;  // runs after the loop turn's I/O callbacks
      Holder* owner;
    };
    FlushCheck* flush_later = nullptr;
    void reply(const SocketAddress& to, std::vector<uint8_t>&& data);
    void send(const SocketAddress& to, std::vector<uint8_t>&& data);
    void flush();
  };
  SocketAddress address_;
  Holder* holder_;
};

}  // namespace vigil
