// What a query and its reply carry on a DNS over TLS connection beyond plain DNS. Pure.
//  - RFC 7830 / RFC 8467 4.1: queries are padded to a multiple of 128 octets, so their length
//    tells an observer of the encrypted stream little about the name asked.
//  - RFC 7828: queries carry an empty edns-tcp-keepalive option; a reply's option says how long
//    the server keeps an idle connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "dns/message.h"

namespace vigil {

constexpr uint16_t kEdnsTcpKeepalive = 11;       // RFC 7828
constexpr std::size_t kQueryPaddingBlock = 128;  // RFC 8467 4.1, "Block-Length Padding"

// Appends edns-tcp-keepalive and padding to the query's OPT record (the last record of a query
// from dns::make_upstream_query). False, and the query unchanged, if it has no such OPT record.
bool add_tls_query_options(std::vector<uint8_t>& query, std::size_t qname_length);

// The idle timeout a reply's edns-tcp-keepalive option announces (RFC 7828 3.3.2: in units of
// 100 ms), if it has one.
std::optional<std::chrono::milliseconds> announced_keepalive(const dns::MessageLayout& reply);

}  // namespace vigil
