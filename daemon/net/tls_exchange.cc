#include "daemon/net/tls_exchange.h"

#include "daemon/net/tls_connection.h"
#include "daemon/net/tls_query.h"
#include "dns/wire.h"

namespace vigil {

TlsExchange::TlsExchange(ExchangeRequest request, ExchangeListener& listener)
    : request_(std::move(request)), listener_(&listener) {
  // As over TCP: nobody off path can inject into the stream, so the letter case only tells
  // whether the upstream echoes it, and cookies prove nothing TLS does not.
  request_.ignore_case = true;
  request_.require_server_cookie = false;
  add_tls_query_options(request_.query, request_.qname_length);
  expected_ = expected_reply(request_);
  frame_.reserve(request_.query.size() + 2);
  dns::append_u16(frame_, static_cast<uint16_t>(request_.query.size()));
  dns::append_bytes(frame_, request_.query);
}

TlsExchange* TlsExchange::start(const TlsEnvironment& environment, TlsClient& client,
                                ExchangeRequest request, ExchangeListener& listener, int& error) {
  auto* exchange = new TlsExchange(std::move(request), listener);
  exchange->starting_ = true;
  error = client.add(environment, *exchange);
  exchange->starting_ = false;
  if (error == 0) error = exchange->start_error_;
  if (error != 0) {
    exchange->cancel();
    return nullptr;
  }
  return exchange;
}

// RFC 7766 7: IDs must be unique among the queries in flight on one connection.
void TlsExchange::set_txid(uint16_t txid) {
  request_.query[0] = frame_[2] = static_cast<uint8_t>(txid >> 8);
  request_.query[1] = frame_[3] = static_cast<uint8_t>(txid & 0xff);
  expected_ = expected_reply(request_);
}

void TlsExchange::cancel() {
  listener_ = nullptr;
  if (connection_ != nullptr) connection_->remove(*this);
  delete this;
}

}  // namespace vigil
