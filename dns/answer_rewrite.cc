#include "dns/answer_rewrite.h"

#include <cstring>

#include "dns/edns.h"
#include "dns/response.h"

namespace vigil::dns {

namespace {

// Flags for the client: the upstream's AA is dropped (we are not authoritative), TC is ours
// to decide, RD and CD echo the client, RA is set.
uint16_t client_flags(uint16_t upstream_flags, const QueryInfo& client, bool authenticated) {
  uint16_t flags = upstream_flags & flag::kRcodeMask;
  if (authenticated) flags |= flag::AD;
  return static_cast<uint16_t>(flags | flag::QR | flag::RA |
                               (client.flags & (flag::kOpcodeMask | flag::RD | flag::CD)));
}

}  // namespace

std::vector<uint8_t> rewrite_answer_for_client(Bytes upstream, const MessageLayout& layout,
                                               const QueryInfo& client,
                                               const RewriteOptions& options) {
  const uint16_t extended_rcode =
      layout.edns ? static_cast<uint16_t>(layout.edns->extended_rcode << 4) : 0;
  const uint16_t rcode = static_cast<uint16_t>(extended_rcode | layout.header.rcode());

  // Records after an OPT that is not last are additional data a stub never needs; cutting there
  // keeps every compression pointer (they only point backwards) valid.
  const std::size_t records_end = layout.edns ? layout.opt_offset : layout.end;
  const uint16_t additional = layout.edns ? layout.additional_before_opt : layout.header.arcount;

  std::vector<uint8_t> out;
  out.reserve(records_end + 32);
  append_u16(out, client.id);
  append_u16(out, client_flags(layout.header.flags, client, options.authenticated));
  append_u16(out, 1);
  append_u16(out, layout.header.ancount);
  append_u16(out, layout.header.nscount);
  append_u16(out, static_cast<uint16_t>(additional + (client.has_edns ? 1 : 0)));
  // The question in the client's own case; same length as the upstream's, so offsets hold.
  append_bytes(out, client.qname.view());
  append_u16(out, client.qtype);
  append_u16(out, client.qclass);
  append_bytes(out, upstream.subspan(layout.question_end, records_end - layout.question_end));
  if (client.has_edns) {
    OptRecord opt;
    opt.udp_size = kAdvertisedUdpSize;
    opt.extended_rcode = static_cast<uint8_t>(rcode >> 4);
    opt.dnssec_ok = client.dnssec_ok;
    opt.extended_error = options.extended_error;
    append_opt(out, opt);
  }
  if (out.size() > options.max_size) {
    return make_reply_without_records(client, ReplyOptions{rcode, true, std::nullopt});
  }
  return out;
}

}  // namespace vigil::dns
