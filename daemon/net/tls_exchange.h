// One query to a DNS over TLS upstream: queued on the upstream's shared connection (TlsClient),
// padded (RFC 8467) and with edns-tcp-keepalive (RFC 7828). The reply is matched by ID and
// question like any other (reply_match.h), and may come back out of order (RFC 7766 7). If the
// upstream closes the connection before answering, the query is sent once more on a new one.
#pragma once

#include "daemon/net/tls_client.h"

namespace vigil {

class TlsExchange {
 public:
  static TlsExchange* start(const TlsEnvironment& environment, TlsClient& client,
                            ExchangeRequest request, ExchangeListener& listener, int& error);
  void cancel();  // no callback after this; the exchange is freed

 private:
  friend class TlsConnection;
  TlsExchange(ExchangeRequest request, ExchangeListener& listener);
  ~TlsExchange() = default;
  uint16_t txid() const { return expected_.txid; }
  void set_txid(uint16_t txid);

  ExchangeRequest request_;
  ExpectedReply expected_;
  ExchangeListener* listener_;
  std::vector<uint8_t> frame_;           // the 2-octet length and the query (RFC 7766 8)
  TlsConnection* connection_ = nullptr;  // the connection it is queued on, if any
  bool sent_ = false;                    // written to the current connection
  bool resent_ = false;                  // already sent again after a connection was lost
  // While start() runs the listener is not called: a failure then is start()'s to return.
  bool starting_ = false;
  int start_error_ = 0;
};

}  // namespace vigil
