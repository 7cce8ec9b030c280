#include "daemon/net/udp_exchange.h"

#include <netinet/in.h>

#include "daemon/net/source_port.h"
#include "daemon/uv_handles.h"

namespace vigil {

namespace {

// How many random ports to try before giving up on a query: a drawn port may be in use.
constexpr int kPortDrawAttempts = 16;

// THREATS rule 7: our queries are never fragmented (a forged second fragment carries no TXID).
void set_dont_fragment(uv_udp_t* handle, int family) {
  uv_os_fd_t fd;
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(handle), &fd) != 0) return;
  if (family == AF_INET) {
    int value = IP_PMTUDISC_DO;
    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &value, sizeof value);
  } else {
    int value = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &value, sizeof value);
  }
}

}  // namespace

ExpectedReply expected_reply(const ExchangeRequest& request) {
  ExpectedReply expected;
  expected.txid = static_cast<uint16_t>((request.query[0] << 8) | request.query[1]);
  expected.qname = dns::Bytes(request.query.data() + 12, request.qname_length);
  expected.qtype = request.qtype;
  expected.qclass = request.qclass;
  if (request.use_cookie) expected.client_cookie = request.client_cookie;
  expected.require_server_cookie = request.require_server_cookie;
  expected.ignore_case = request.ignore_case;
  return expected;
}

UdpExchange::UdpExchange(const UpstreamIo& io, ExchangeRequest request, ExchangeListener& listener)
    : handle{}, io_(io), request_(std::move(request)), listener_(&listener) {
  expected_ = expected_reply(request_);
  handle.data = this;
}

UdpExchange* UdpExchange::start(const UpstreamIo& io, ExchangeRequest request,
                                ExchangeListener& listener, int& error) {
  auto* exchange = new UdpExchange(io, std::move(request), listener);
  error = exchange->open_and_send();
  if (error != 0) {
    exchange->cancel();
    return nullptr;
  }
  return exchange;
}

int UdpExchange::open_and_send() {
  const int family = request_.upstream.family();
  int rc = uv_udp_init_ex(io_.loop, &handle, static_cast<unsigned>(family));
  if (rc != 0) {
    handle.type = UV_UNKNOWN_HANDLE;  // never initialized: nothing to close
    return rc;
  }
  SocketAddress local = SocketAddress::parse(family == AF_INET ? "0.0.0.0" : "::", 0).value();
  for (int attempt = 0; attempt < kPortDrawAttempts; ++attempt) {
    local.set_port(draw_source_port(io_.random, io_.port_low, io_.port_high));
    rc = uv_udp_bind(&handle, local.get(), family == AF_INET6 ? UV_UDP_IPV6ONLY : 0);
    if (rc != UV_EADDRINUSE && rc != UV_EACCES) break;  // in use: draw again
  }
  if (rc != 0) return rc;
  if ((rc = uv_udp_connect(&handle, request_.upstream.get())) != 0) return rc;
  set_dont_fragment(&handle, family);
  uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(request_.query.data()),
                             static_cast<unsigned>(request_.query.size()));
  rc = uv_udp_try_send(&handle, &buf, 1, nullptr);
  if (rc < 0) return rc;
  return uv_udp_recv_start(
      &handle,
      [](uv_handle_t* h, size_t, uv_buf_t* out) {
        auto* self = static_cast<UdpExchange*>(h->data);
        *out = uv_buf_init(reinterpret_cast<char*>(self->io_.receive_buffer.data()),
                           static_cast<unsigned>(self->io_.receive_buffer.size()));
      },
      [](uv_udp_t* h, ssize_t nread, const uv_buf_t* buf, const sockaddr* from, unsigned flags) {
        static_cast<UdpExchange*>(h->data)->on_receive(nread, buf, from, flags);
      });
}

void UdpExchange::on_receive(ssize_t nread, const uv_buf_t* buf, const sockaddr* from,
                             unsigned flags) {
  if (listener_ == nullptr) return;
  if (nread < 0) {  // e.g. ECONNREFUSED: the upstream's port is closed (ICMP)
    listener_->on_failure(Transport::Udp, static_cast<int>(nread));
    return;
  }
  if (from == nullptr) return;  // nothing more to read
  if (!(SocketAddress::from_sockaddr(from) == request_.upstream)) {
    listener_->on_unwanted(Transport::Udp, MismatchReason::Source);
    return;
  }
  if (flags & UV_UDP_PARTIAL) {
    listener_->on_unwanted(Transport::Udp, MismatchReason::Malformed);
    return;
  }
  const dns::Bytes reply(reinterpret_cast<const uint8_t*>(buf->base), static_cast<size_t>(nread));
  const ReplyMatch match = match_reply(reply, expected_);
  switch (match.verdict) {
    case ReplyVerdict::Accept: listener_->on_reply(Transport::Udp, reply, match); break;
    case ReplyVerdict::NearMiss: listener_->on_near_miss(Transport::Udp, match.reason); break;
    case ReplyVerdict::Unwanted: listener_->on_unwanted(Transport::Udp, match.reason); break;
  }
}

void UdpExchange::cancel() {
  listener_ = nullptr;
  if (handle.type == UV_UNKNOWN_HANDLE) {
    delete this;
    return;
  }
  uv_udp_recv_stop(&handle);
  close_and_delete(this);
}

}  // namespace vigil
