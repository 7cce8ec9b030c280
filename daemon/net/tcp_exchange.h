// One query upstream over TCP (RFC 7766): used when a UDP reply was truncated, when a near miss
// suggests someone is spoofing the UDP path, and to check whether an upstream echoes 0x20 case.
#pragma once

#include "daemon/net/upstream_exchange.h"

namespace vigil {

class TcpExchange {
 public:
  static TcpExchange* start(const UpstreamIo& io, ExchangeRequest request,
                            ExchangeListener& listener, int& error);
  void cancel();

  uv_tcp_t handle;  // first member: close_and_delete needs it

 private:
  TcpExchange(const UpstreamIo& io, ExchangeRequest request, ExchangeListener& listener);
  void on_connected(int status);
  void on_read(ssize_t nread, const uv_buf_t* buf);
  void fail(int error);

  UpstreamIo io_;
  ExchangeRequest request_;
  ExpectedReply expected_;
  ExchangeListener* listener_;
  uv_connect_t connect_request_{};
  uv_write_t write_request_{};
  std::vector<uint8_t> framed_query_;
  std::vector<uint8_t> received_;
};

}  // namespace vigil
