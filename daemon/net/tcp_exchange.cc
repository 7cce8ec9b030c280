#include "daemon/net/tcp_exchange.h"

#include "daemon/uv_handles.h"
#include "dns/wire.h"

namespace vigil {

TcpExchange::TcpExchange(const UpstreamIo& io, ExchangeRequest request, ExchangeListener& listener)
    : handle{}, io_(io), request_(std::move(request)), listener_(&listener) {
  request_.ignore_case = true;  // over TCP the case only tells whether the upstream echoes it
  request_.require_server_cookie = false;
  expected_ = expected_reply(request_);
  handle.data = this;
  framed_query_.reserve(request_.query.size() + 2);
  dns::append_u16(framed_query_, static_cast<uint16_t>(request_.query.size()));
  dns::append_bytes(framed_query_, request_.query);
}

TcpExchange* TcpExchange::start(const UpstreamIo& io, ExchangeRequest request,
                                ExchangeListener& listener, int& error) {
  auto* exchange = new TcpExchange(io, std::move(request), listener);
  error = uv_tcp_init(io.loop, &exchange->handle);
  if (error != 0) {
    delete exchange;
    return nullptr;
  }
  exchange->connect_request_.data = exchange;
  error = uv_tcp_connect(&exchange->connect_request_, &exchange->handle,
                         exchange->request_.upstream.get(), [](uv_connect_t* req, int status) {
                           static_cast<TcpExchange*>(req->data)->on_connected(status);
                         });
  if (error != 0) {
    exchange->cancel();
    return nullptr;
  }
  return exchange;
}

void TcpExchange::on_connected(int status) {
  if (listener_ == nullptr) return;
  if (status != 0) return fail(status);
  uv_tcp_nodelay(&handle, 1);
  uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(framed_query_.data()),
                             static_cast<unsigned>(framed_query_.size()));
  write_request_.data = this;
  int rc = uv_write(&write_request_, reinterpret_cast<uv_stream_t*>(&handle), &buf, 1,
                    [](uv_write_t* req, int status) {
                      auto* self = static_cast<TcpExchange*>(req->data);
                      if (status != 0 && self->listener_ != nullptr) self->fail(status);
                    });
  if (rc != 0) return fail(rc);
  rc = uv_read_start(
      reinterpret_cast<uv_stream_t*>(&handle),
      [](uv_handle_t* h, size_t, uv_buf_t* out) {
        auto* self = static_cast<TcpExchange*>(h->data);
        *out = uv_buf_init(reinterpret_cast<char*>(self->io_.receive_buffer.data()),
                           static_cast<unsigned>(self->io_.receive_buffer.size()));
      },
      [](uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
        static_cast<TcpExchange*>(s->data)->on_read(nread, buf);
      });
  if (rc != 0) fail(rc);
}

void TcpExchange::on_read(ssize_t nread, const uv_buf_t* buf) {
  if (listener_ == nullptr) return;
  if (nread < 0) return fail(static_cast<int>(nread));  // UV_EOF before a whole reply, or reset
  received_.insert(received_.end(), buf->base, buf->base + nread);
  if (received_.size() < 2) return;
  const std::size_t length = dns::read_u16(received_.data());
  if (received_.size() < 2 + length) return;
  const dns::Bytes reply(received_.data() + 2, length);
  const ReplyMatch match = match_reply(reply, expected_);
  if (match.verdict == ReplyVerdict::Accept) {
    listener_->on_reply(Transport::Tcp, reply, match);
  } else {
    // One query per connection: whatever else came back, this exchange is over.
    listener_->on_unwanted(Transport::Tcp, match.reason);
    if (listener_ != nullptr) fail(UV_EPROTO);
  }
}

void TcpExchange::fail(int error) {
  auto* listener = listener_;
  listener_ = nullptr;
  listener->on_failure(Transport::Tcp, error);
}

void TcpExchange::cancel() {
  listener_ = nullptr;
  close_and_delete(this);
}

}  // namespace vigil
