#include "daemon/net/udp_listener.h"

#include <stdexcept>

#include "daemon/uv_handles.h"

namespace vigil {

namespace {

struct SendRequest {
  uv_udp_send_t request;
  std::vector<uint8_t> data;
};

}  // namespace

void UdpListener::Holder::send(const SocketAddress& to, std::vector<uint8_t>&& reply) {
  uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(reply.data()), static_cast<unsigned>(reply.size()));
  const int sent = uv_udp_try_send(&handle, &buf, 1, to.get());
  if (sent != UV_EAGAIN) return;  // sent, or an error no retry would fix (the reply is lost, as UDP may)
  // The socket buffer is full: queue it rather than drop it.
  auto* pending = new SendRequest{{}, std::move(reply)};
  buf = uv_buf_init(reinterpret_cast<char*>(pending->data.data()),
                    static_cast<unsigned>(pending->data.size()));
  pending->request.data = pending;
  if (uv_udp_send(&pending->request, &handle, &buf, 1, to.get(), [](uv_udp_send_t* req, int) {
        delete static_cast<SendRequest*>(req->data);
      }) != 0) {
    delete pending;
  }
}

UdpListener::UdpListener(uv_loop_t* loop, const SocketAddress& address, QueryPipeline& pipeline)
    : address_(address), holder_(new Holder{}) {
  holder_->pipeline = &pipeline;
  uv_udp_init(loop, &holder_->handle);
  holder_->handle.data = holder_;
  int rc = uv_udp_bind(&holder_->handle, address.get(), address.is_v6() ? UV_UDP_IPV6ONLY : 0);
  if (rc == 0) {
    rc = uv_udp_recv_start(
        &holder_->handle,
        [](uv_handle_t* h, size_t, uv_buf_t* out) {
          auto* holder = static_cast<Holder*>(h->data);
          *out = uv_buf_init(reinterpret_cast<char*>(holder->buffer.data()),
                             static_cast<unsigned>(holder->buffer.size()));
        },
        [](uv_udp_t* h, ssize_t nread, const uv_buf_t* buf, const sockaddr* from, unsigned) {
          if (nread <= 0 || from == nullptr) return;
          auto* holder = static_cast<Holder*>(h->data);
          const auto client = SocketAddress::from_sockaddr(from);
          holder->pipeline->handle_query(
              dns::Bytes(reinterpret_cast<const uint8_t*>(buf->base), static_cast<size_t>(nread)),
              client, Transport::Udp,
              [holder, client](std::vector<uint8_t>&& reply) {
                holder->pipeline->count_reply(reply);
                holder->send(client, std::move(reply));
              });
        });
  }
  if (rc != 0) {
    close_and_delete(holder_);
    throw std::runtime_error("cannot listen on udp " + address.to_string() + ": " + uv_strerror(rc));
  }
}

UdpListener::~UdpListener() {
  uv_udp_recv_stop(&holder_->handle);
  close_and_delete(holder_);
}

}  // namespace vigil
