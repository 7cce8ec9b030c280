#include "daemon/net/tcp_connection.h"

#include "dns/wire.h"

namespace vigil {

struct TcpConnection::WriteRequest {
  uv_write_t request;
  std::vector<uint8_t> data;
  std::shared_ptr<TcpConnection> connection;  // alive until libuv is done with the buffer
};

TcpConnection::TcpConnection(uv_loop_t* loop, QueryPipeline& pipeline, Stats& stats,
                             TcpLimits limits, ClosedCallback on_closed, SSL_CTX* tls)
    : holder_(new Holder{}),
      pipeline_(&pipeline),
      stats_(stats),
      limits_(limits),
      on_closed_(std::move(on_closed)),
      idle_timer_(loop) {
  uv_tcp_init(loop, &holder_->handle);
  holder_->handle.data = holder_;
  if (tls != nullptr) {
    tls_ = TlsServerStream::make(tls);
    tls_failed_ = !tls_;
  }
}

TcpConnection::~TcpConnection() {
  if (!closing_) close_and_delete(holder_);  // once closing, the close callback frees it
}

void TcpConnection::start(const SocketAddress& peer) {
  peer_ = peer;
  holder_->owner = weak_from_this();
  uv_tcp_nodelay(&holder_->handle, 1);
  if (tls_failed_) return close();
  resume_reading();
  if (!tls_) return arm_idle_timer();
  // A client that does not finish its handshake holds a connection slot for nothing.
  idle_timer_.start(limits_.handshake_timeout_ms, [this] {
    ++stats_.tcp_idle_closed;
    close();
  });
}

void TcpConnection::resume_reading() {
  if (reading_ || closing_ || peer_done_) return;
  reading_ = true;
  uv_read_start(
      stream(),
      [](uv_handle_t* h, size_t, uv_buf_t* out) {
        auto self = static_cast<Holder*>(h->data)->owner.lock();
        if (!self) {
          *out = uv_buf_init(nullptr, 0);
          return;
        }
        *out = uv_buf_init(reinterpret_cast<char*>(self->read_buffer_.data()),
                           static_cast<unsigned>(self->read_buffer_.size()));
      },
      [](uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
        auto self = static_cast<Holder*>(s->data)->owner.lock();
        if (self) self->on_read(nread, buf);
      });
}

void TcpConnection::arm_idle_timer() {
  // Restarted only by whole queries and answers: a slow-loris trickling bytes gains nothing.
  idle_timer_.start(limits_.idle_timeout_ms, [this] {
    if (in_flight_ > 0) return arm_idle_timer();
    ++stats_.tcp_idle_closed;
    close();
  });
}

void TcpConnection::on_read(ssize_t nread, const uv_buf_t* buf) {
  if (closing_) return;
  if (nread < 0) {
    uv_read_stop(stream());
    reading_ = false;
    peer_done_ = true;
    if (nread != UV_EOF) return close();
    return close_if_done();
  }
  if (tls_) return on_tls_read(reinterpret_cast<const uint8_t*>(buf->base),
                               static_cast<std::size_t>(nread));
  pending_.insert(pending_.end(), buf->base, buf->base + nread);
  dispatch_frames();
}

void TcpConnection::on_tls_read(const uint8_t* data, std::size_t size) {
  const bool was_established = tls_->is_established();
  const TlsServerStream::Status status = tls_->receive(data, size, pending_);
  if (!write_to_socket(tls_->take_output())) return;  // the handshake's answer, or an alert
  // Not TLS (a plain DNS client on the TLS port), or a failed handshake: nothing to answer.
  if (status == TlsServerStream::Status::Failed) return close();
  if (!tls_->is_established()) return;
  if (!was_established) arm_idle_timer();  // the handshake deadline is met
  if (status == TlsServerStream::Status::Closed) {  // close_notify: answer what came before it
    uv_read_stop(stream());
    reading_ = false;
    peer_done_ = true;
  }
  dispatch_frames();
  close_if_done();
}

void TcpConnection::dispatch_frames() {
  // A query vigild answers itself (REFUSED, ANY, ...) is sent from inside handle_query(); that
  // send() must not dispatch again while this loop still holds views into pending_.
  if (dispatching_) return;
  dispatching_ = true;
  auto self = shared_from_this();  // a synchronous reply or a close must not free us mid-loop
  std::size_t pos = 0;
  while (!closing_ && pending_.size() - pos >= 2) {
    const std::size_t length = dns::read_u16(pending_.data() + pos);
    if (length == 0) {  // nonsense framing: nothing to answer
      dispatching_ = false;
      return close();
    }
    if (pending_.size() - pos < 2 + length) break;
    if (in_flight_ >= limits_.max_queries_in_flight) {
      // Enough work for this client: read no more until some answers went out.
      uv_read_stop(stream());
      reading_ = false;
      break;
    }
    ++in_flight_;
    arm_idle_timer();
    const dns::Bytes frame(pending_.data() + pos + 2, length);
    pos += 2 + length;
    std::weak_ptr<TcpConnection> weak = self;
    pipeline_->handle_query(frame, peer_, Transport::Tcp,
                            [weak, pipeline = pipeline_](std::vector<uint8_t>&& reply) {
                              pipeline->count_reply(reply);
                              if (auto connection = weak.lock()) connection->send(std::move(reply));
                            });
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(pos));
  dispatching_ = false;
}

void TcpConnection::send(std::vector<uint8_t>&& reply) {
  if (in_flight_ > 0) --in_flight_;
  if (closing_) return;
  std::vector<uint8_t> frame;
  frame.reserve(reply.size() + 2);
  dns::append_u16(frame, static_cast<uint16_t>(reply.size()));
  dns::append_bytes(frame, reply);
  if (tls_) {
    if (!tls_->send(frame)) return close();
    frame = tls_->take_output();
  }
  if (!write_to_socket(std::move(frame))) return;
  if (queued_bytes_ > limits_.max_buffered_bytes) {
    ++stats_.tcp_slow_closed;  // the client does not read its answers
    return close();
  }
  arm_idle_timer();
  if (!pending_.empty()) dispatch_frames();
  resume_reading();
}

bool TcpConnection::write_to_socket(std::vector<uint8_t>&& bytes) {
  if (closing_) return false;
  if (bytes.empty()) return true;
  auto* write = new WriteRequest{{}, std::move(bytes), shared_from_this()};
  write->request.data = write;
  queued_bytes_ += write->data.size();
  uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(write->data.data()),
                             static_cast<unsigned>(write->data.size()));
  const int rc = uv_write(&write->request, stream(), &buf, 1, [](uv_write_t* req, int status) {
    auto* done = static_cast<WriteRequest*>(req->data);
    auto connection = std::move(done->connection);
    connection->queued_bytes_ -= done->data.size();
    delete done;
    if (status != 0) return connection->close();
    connection->close_if_done();
  });
  if (rc != 0) {
    queued_bytes_ -= write->data.size();
    delete write;
    close();
    return false;
  }
  return true;
}

void TcpConnection::close_if_done() {
  if (peer_done_ && in_flight_ == 0 && queued_bytes_ == 0) close();
}

void TcpConnection::close() {
  if (closing_) return;
  closing_ = true;
  idle_timer_.stop();
  uv_read_stop(stream());
  auto* handle = reinterpret_cast<uv_handle_t*>(&holder_->handle);
  handle->data = holder_;
  uv_close(handle, [](uv_handle_t* h) { delete static_cast<Holder*>(h->data); });
  holder_->owner.reset();
  on_closed_(*this);  // the listener drops its reference; write requests may still hold one
}

}  // namespace vigil
