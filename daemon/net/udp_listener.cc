#include "daemon/net/udp_listener.h"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <stdexcept>

#include "daemon/net/reuse_port.h"
#include "daemon/uv_handles.h"

namespace vigil {

namespace {

struct SendRequest {
  uv_udp_send_t request;
  std::vector<uint8_t> data;
};

}  // namespace

void UdpListener::Holder::reply(const SocketAddress& to, std::vector<uint8_t>&& data) {
  pending.push_back({to, std::move(data)});
  // Answered later (an upstream's reply): with the others of this loop turn.
  if (!in_batch && !uv_is_active(reinterpret_cast<uv_handle_t*>(&flush_later->handle))) {
    uv_check_start(&flush_later->handle, [](uv_check_t* check) {
      uv_check_stop(check);
      static_cast<FlushCheck*>(check->data)->owner->flush();
    });
  }
}

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

// The batch's replies in one sendmmsg; whatever it does not take (a full socket buffer, an
// error for one destination) goes through send() one by one, as a lone reply would.
void UdpListener::Holder::flush() {
  in_batch = false;
  std::size_t sent = 0;
  uv_os_fd_t fd = -1;
  if (!pending.empty() && uv_fileno(reinterpret_cast<uv_handle_t*>(&handle), &fd) == 0) {
    std::array<mmsghdr, kBatch> messages{};
    std::array<iovec, kBatch> parts{};
    while (sent < pending.size()) {
      const std::size_t count = std::min(kBatch, pending.size() - sent);
      for (std::size_t i = 0; i < count; ++i) {
        PendingReply& reply = pending[sent + i];
        parts[i] = {reply.data.data(), reply.data.size()};
        messages[i] = {};
        messages[i].msg_hdr.msg_name = const_cast<sockaddr*>(reply.to.get());
        messages[i].msg_hdr.msg_namelen = reply.to.length();
        messages[i].msg_hdr.msg_iov = &parts[i];
        messages[i].msg_hdr.msg_iovlen = 1;
      }
      int rc = 0;
      do {
        rc = sendmmsg(fd, messages.data(), static_cast<unsigned>(count), MSG_DONTWAIT);
      } while (rc < 0 && errno == EINTR);
      if (rc <= 0) break;
      sent += static_cast<std::size_t>(rc);
      if (static_cast<std::size_t>(rc) < count) break;
    }
  }
  for (std::size_t i = sent; i < pending.size(); ++i) {
    send(pending[i].to, std::move(pending[i].data));
  }
  pending.clear();
}

UdpListener::UdpListener(uv_loop_t* loop, const SocketAddress& address, QueryPipeline& pipeline,
                         bool reuse_port)
    : address_(address), holder_(new Holder{}) {
  holder_->pipeline = &pipeline;
  holder_->pending.reserve(kBatch);
  holder_->flush_later = new Holder::FlushCheck{{}, holder_};
  uv_check_init(loop, &holder_->flush_later->handle);
  holder_->flush_later->handle.data = holder_->flush_later;
  uv_udp_init_ex(loop, &holder_->handle,
                 static_cast<unsigned>(address.is_v6() ? AF_INET6 : AF_INET) | UV_UDP_RECVMMSG);
  holder_->handle.data = holder_;
  int rc = reuse_port ? set_reuse_port(reinterpret_cast<uv_handle_t*>(&holder_->handle)) : 0;
  if (rc == 0) rc = uv_udp_bind(&holder_->handle, address.get(), address.is_v6() ? UV_UDP_IPV6ONLY : 0);
  if (rc == 0) {
    rc = uv_udp_recv_start(
        &holder_->handle,
        [](uv_handle_t* h, size_t, uv_buf_t* out) {
          auto* holder = static_cast<Holder*>(h->data);
          *out = uv_buf_init(reinterpret_cast<char*>(holder->buffer.get()),
                             static_cast<unsigned>(kBatch * kSlice));
        },
        [](uv_udp_t* h, ssize_t nread, const uv_buf_t* buf, const sockaddr* from, unsigned flags) {
          auto* holder = static_cast<Holder*>(h->data);
          // The end of a batch (libuv's last call for it, or nothing more to read).
          if (from == nullptr || (flags & UV_UDP_MMSG_FREE) != 0) {
            holder->flush();
            return;
          }
          if (nread <= 0) return;
          holder->in_batch = (flags & UV_UDP_MMSG_CHUNK) != 0;
          const auto client = SocketAddress::from_sockaddr(from);
          holder->pipeline->handle_query(
              dns::Bytes(reinterpret_cast<const uint8_t*>(buf->base), static_cast<size_t>(nread)),
              client, Transport::Udp,
              [holder, client](std::vector<uint8_t>&& reply) {
                holder->pipeline->count_reply(reply);
                holder->reply(client, std::move(reply));
              });
          if (!holder->in_batch) holder->flush();
        });
  }
  if (rc != 0) {
    close_and_delete(holder_->flush_later);
    close_and_delete(holder_);
    throw std::runtime_error("cannot listen on udp " + address.to_string() + ": " + uv_strerror(rc));
  }
}

UdpListener::~UdpListener() {
  uv_udp_recv_stop(&holder_->handle);
  close_and_delete(holder_->flush_later);
  close_and_delete(holder_);
}

}  // namespace vigil
