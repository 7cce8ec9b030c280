#include "daemon/net/tls_query.h"

#include "dns/types.h"
#include "dns/wire.h"

namespace vigil {

namespace {

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kOptHeaderSize = 11;  // root owner, TYPE, CLASS, TTL, RDLENGTH
constexpr std::size_t kOptionHeaderSize = 4;

}  // namespace

bool add_tls_query_options(std::vector<uint8_t>& query, std::size_t qname_length) {
  const std::size_t opt = kHeaderSize + qname_length + 4;  // after QNAME, QTYPE, QCLASS
  if (query.size() < opt + kOptHeaderSize || query[10] != 0 || query[11] != 1 || query[opt] != 0 ||
      dns::read_u16(&query[opt + 1]) != dns::rrtype::OPT) {
    return false;
  }
  const std::size_t rdlength_at = opt + 9;
  const std::size_t rdlength = dns::read_u16(&query[rdlength_at]);
  if (opt + kOptHeaderSize + rdlength != query.size()) return false;  // OPT is not the last
  dns::append_u16(query, kEdnsTcpKeepalive);
  dns::append_u16(query, 0);  // RFC 7828 3.2.1: empty in queries
  // RFC 7830 3: the padding option's data are zero octets; the whole message, the option's
  // own header included, becomes a multiple of the block length.
  const std::size_t unpadded = query.size() + kOptionHeaderSize;
  const std::size_t padding =
      (kQueryPaddingBlock - unpadded % kQueryPaddingBlock) % kQueryPaddingBlock;
  dns::append_u16(query, dns::edns_option::PADDING);
  dns::append_u16(query, static_cast<uint16_t>(padding));
  query.insert(query.end(), padding, 0);
  const std::size_t new_rdlength = query.size() - opt - kOptHeaderSize;
  query[rdlength_at] = static_cast<uint8_t>(new_rdlength >> 8);
  query[rdlength_at + 1] = static_cast<uint8_t>(new_rdlength & 0xff);
  return true;
}

std::optional<std::chrono::milliseconds> announced_keepalive(const dns::MessageLayout& reply) {
  if (!reply.edns) return std::nullopt;
  const auto option = dns::find_edns_option(reply.edns->options, kEdnsTcpKeepalive);
  if (!option || option->size() != 2) return std::nullopt;
  return std::chrono::milliseconds(uint64_t{dns::read_u16(option->data())} * 100);
}

}  // namespace vigil
