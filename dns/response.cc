#include "dns/response.h"

namespace vigil::dns {

namespace {

uint16_t reply_flags(uint16_t query_flags, uint16_t rcode) {
  // Opcode, RD and CD come from the query; we are a recursive service, so RA.
  return static_cast<uint16_t>(flag::QR | (query_flags & (flag::kOpcodeMask | flag::RD | flag::CD)) |
                               flag::RA | (rcode & flag::kRcodeMask));
}

void append_header(std::vector<uint8_t>& out, uint16_t id, uint16_t flags, uint16_t qd,
                   uint16_t an, uint16_t ar) {
  append_u16(out, id);
  append_u16(out, flags);
  append_u16(out, qd);
  append_u16(out, an);
  append_u16(out, 0);
  append_u16(out, ar);
}

void append_question(std::vector<uint8_t>& out, const QueryInfo& query) {
  append_bytes(out, query.qname.view());
  append_u16(out, query.qtype);
  append_u16(out, query.qclass);
}

void append_client_opt(std::vector<uint8_t>& out, const QueryInfo& query, uint16_t rcode,
                       const std::optional<ExtendedError>& extended_error) {
  OptRecord opt;
  opt.udp_size = kAdvertisedUdpSize;
  opt.extended_rcode = static_cast<uint8_t>(rcode >> 4);
  opt.dnssec_ok = query.dnssec_ok;
  opt.extended_error = extended_error;
  append_opt(out, opt);
}

}  // namespace

std::vector<uint8_t> make_reply_without_records(const QueryInfo& query,
                                                const ReplyOptions& options) {
  std::vector<uint8_t> out;
  out.reserve(64);
  uint16_t flags = reply_flags(query.flags, options.rcode);
  if (options.truncated) flags |= flag::TC;
  append_header(out, query.id, flags, 1, 0, query.has_edns ? 1 : 0);
  append_question(out, query);
  if (query.has_edns) append_client_opt(out, query, options.rcode, options.extended_error);
  return out;
}

std::vector<uint8_t> make_header_only_reply(const Header& query_header, uint16_t rcode) {
  std::vector<uint8_t> out;
  append_header(out, query_header.id, reply_flags(query_header.flags, rcode), 0, 0, 0);
  return out;
}

std::vector<uint8_t> make_any_reply(const QueryInfo& query) {
  std::vector<uint8_t> out;
  append_header(out, query.id, reply_flags(query.flags, rcode::NOERROR), 1, 1,
                query.has_edns ? 1 : 0);
  append_question(out, query);
  append_u16(out, 0xc000 | kHeaderSize);  // owner: the question's name
  append_u16(out, rrtype::HINFO);
  append_u16(out, rrclass::IN);
  append_u32(out, kAnyHinfoTtl);
  static constexpr uint8_t kRdata[] = {7, 'R', 'F', 'C', '8', '4', '8', '2', 0};
  append_u16(out, sizeof kRdata);
  append_bytes(out, kRdata);
  if (query.has_edns) append_client_opt(out, query, rcode::NOERROR, std::nullopt);
  return out;
}

std::vector<uint8_t> make_local_answer(const QueryInfo& query,
                                       const std::vector<LocalRecord>& records) {
  std::vector<uint8_t> out;
  const auto flags = static_cast<uint16_t>(reply_flags(query.flags, rcode::NOERROR) | flag::AA);
  append_header(out, query.id, flags, 1, static_cast<uint16_t>(records.size()),
                query.has_edns ? 1 : 0);
  append_question(out, query);
  for (const auto& record : records) {
    if (record.owner.empty()) {
      append_u16(out, 0xc000 | kHeaderSize);  // the question's name
    } else {
      append_bytes(out, record.owner);
    }
    append_u16(out, record.type);
    append_u16(out, rrclass::IN);
    append_u32(out, record.ttl);
    append_u16(out, static_cast<uint16_t>(record.rdata.size()));
    append_bytes(out, record.rdata);
  }
  if (query.has_edns) append_client_opt(out, query, rcode::NOERROR, std::nullopt);
  return out;
}

std::vector<uint8_t> make_upstream_query(const UpstreamQuery& query) {
  std::vector<uint8_t> out;
  out.reserve(kHeaderSize + query.qname.size() + 4 + 11 + 4 + query.cookie.size());
  const uint16_t flags = flag::RD | (query.checking_disabled ? flag::CD : 0);
  append_header(out, query.id, flags, 1, 0, 1);
  append_bytes(out, query.qname);
  append_u16(out, query.qtype);
  append_u16(out, query.qclass);
  OptRecord opt;
  opt.udp_size = kAdvertisedUdpSize;
  opt.dnssec_ok = query.dnssec_ok;
  opt.cookie = query.cookie;
  append_opt(out, opt);
  return out;
}

}  // namespace vigil::dns
