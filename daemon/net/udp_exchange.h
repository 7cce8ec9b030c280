// One UDP query upstream from a fresh socket (THREATS rules 1, 2, 6, 7): bound to a port drawn by
// the CSPRNG, connected to the upstream so the kernel drops other sources, don't-fragment set.
// Every packet that arrives is judged; only the exact reply ends the exchange.
#pragma once

#include "daemon/net/upstream_exchange.h"

namespace vigil {

class UdpExchange {
 public:
  // Opens the socket and sends. On failure returns nullptr and sets `error` (a uv error code).
  static UdpExchange* start(const UpstreamIo& io, ExchangeRequest request,
                            ExchangeListener& listener, int& error);
  void cancel();  // no callback after this; the socket is closed and the exchange freed

  uv_udp_t handle;  // first member: close_and_delete needs it

 private:
  UdpExchange(const UpstreamIo& io, ExchangeRequest request, ExchangeListener& listener);
  int open_and_send();
  void on_receive(ssize_t nread, const uv_buf_t* buf, const sockaddr* from, unsigned flags);

  UpstreamIo io_;
  ExchangeRequest request_;
  ExpectedReply expected_;
  ExchangeListener* listener_;
};

}  // namespace vigil
