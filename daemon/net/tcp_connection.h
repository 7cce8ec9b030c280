// One client's TCP connection (RFC 7766): length-prefixed queries, several in flight at once,
// each answered as soon as its answer is ready (out of order). A slow or stalled client costs
// only its own connection: it is closed when idle, when too much is queued for it, or when it
// sends nonsense framing. Over DNS over TLS (RFC 7858) the same framing runs inside a
// TlsServerStream, and nothing is read as a query before the handshake is done.
#pragma once

#include <uv.h>

#include <array>
#include <functional>
#include <memory>
#include <vector>

#include "daemon/net/socket_address.h"
#include "daemon/net/tls_server_stream.h"
#include "daemon/pipeline/query_pipeline.h"
#include "daemon/stats.h"
#include "daemon/uv_handles.h"

namespace vigil {

struct TcpLimits {
  uint64_t idle_timeout_ms;
  unsigned max_queries_in_flight;
  std::size_t max_buffered_bytes;
  uint64_t handshake_timeout_ms;  // DNS over TLS: from accept to the end of the handshake
};

class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
 public:
  using ClosedCallback = std::function<void(TcpConnection&)>;

  // `tls`: the listener's context for DNS over TLS, nullptr for plain TCP.
  TcpConnection(uv_loop_t* loop, QueryPipeline& pipeline, Stats& stats, TcpLimits limits,
                ClosedCallback on_closed, SSL_CTX* tls = nullptr);
  ~TcpConnection();

  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&holder_->handle); }
  // Call once the listener accepted into stream(): starts reading.
  void start(const SocketAddress& peer);
  void close();
  void set_pipeline(QueryPipeline& pipeline) { pipeline_ = &pipeline; }

 private:
  struct Holder {
    uv_tcp_t handle;
    std::weak_ptr<TcpConnection> owner;
  };
  struct WriteRequest;

  void on_read(ssize_t nread, const uv_buf_t* buf);
  void on_tls_read(const uint8_t* data, std::size_t size);
  bool write_to_socket(std::vector<uint8_t>&& bytes);  // false: closed
  void dispatch_frames();
  void send(std::vector<uint8_t>&& reply);
  void resume_reading();
  void arm_idle_timer();
  void close_if_done();

  Holder* holder_;
  QueryPipeline* pipeline_;
  Stats& stats_;
  TcpLimits limits_;
  ClosedCallback on_closed_;
  SocketAddress peer_;
  std::unique_ptr<TlsServerStream> tls_;  // null for plain TCP
  bool tls_failed_ = false;  // DNS over TLS asked for, but OpenSSL could not make a session
  Timer idle_timer_;
  std::array<uint8_t, 16384> read_buffer_{};
  std::vector<uint8_t> pending_;  // received bytes not yet a whole frame
  unsigned in_flight_ = 0;
  std::size_t queued_bytes_ = 0;
  bool reading_ = false;
  bool peer_done_ = false;  // EOF: answer what is in flight, then close
  bool closing_ = false;
  bool dispatching_ = false;  // inside dispatch_frames: a synchronous reply must not re-enter it
};

}  // namespace vigil
