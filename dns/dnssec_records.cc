#include "dns/dnssec_records.h"

#include "dns/ldns_ptr.h"
#include "dns/ldns_wire.h"
#include "dns/message.h"
#include "dns/name.h"

namespace vigil::dns {

namespace {

bool is_dnssec_type(ldns_rr_type type) {
  return type == LDNS_RR_TYPE_RRSIG || type == LDNS_RR_TYPE_NSEC || type == LDNS_RR_TYPE_NSEC3;
}

// Keeps the records of `list` that a non-DO client may see; returns a new owning list.
ldns_rr_list* kept_records(const ldns_rr_list* list, uint16_t qtype) {
  ldns_rr_list* kept = ldns_rr_list_new();
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    const ldns_rr_type type = ldns_rr_get_type(rr);
    if (is_dnssec_type(type) && type != qtype) continue;
    ldns_rr_list_push_rr(kept, ldns_rr_clone(rr));
  }
  return kept;
}

}  // namespace

bool has_dnssec_records(Bytes wire, uint16_t qtype) {
  constexpr std::size_t kFixedRecordFields = 10;  // type, class, TTL, RDLENGTH
  const auto parsed = parse_message(wire);
  if (!parsed.ok()) return true;
  const unsigned records = parsed.layout.header.ancount + parsed.layout.header.nscount;
  std::size_t offset = parsed.layout.question_end;
  for (unsigned i = 0; i < records; ++i) {
    const auto after_name = skip_name(wire, offset);
    if (!after_name || *after_name + kFixedRecordFields > wire.size()) return true;
    const auto type = static_cast<ldns_rr_type>(read_u16(wire.data() + *after_name));
    if (is_dnssec_type(type) && type != qtype) return true;
    offset = *after_name + kFixedRecordFields + read_u16(wire.data() + *after_name + 8);
  }
  return false;
}

std::vector<uint8_t> without_dnssec_records(Bytes wire, uint16_t qtype) {
  // Most answers carry none (an unsigned zone, or a client's DO=0 question asked with DO=0):
  // nothing to re-render.
  if (!has_dnssec_records(wire, qtype)) return {wire.begin(), wire.end()};
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, wire.data(), wire.size()) != LDNS_STATUS_OK) return {};
  const LdnsPkt packet(parsed);
  ldns_rr_list* answer = kept_records(ldns_pkt_answer(packet.get()), qtype);
  ldns_rr_list* authority = kept_records(ldns_pkt_authority(packet.get()), qtype);
  ldns_rr_list_deep_free(ldns_pkt_answer(packet.get()));
  ldns_rr_list_deep_free(ldns_pkt_authority(packet.get()));
  ldns_pkt_set_answer(packet.get(), answer);
  ldns_pkt_set_authority(packet.get(), authority);
  ldns_pkt_set_ancount(packet.get(), static_cast<uint16_t>(ldns_rr_list_rr_count(answer)));
  ldns_pkt_set_nscount(packet.get(), static_cast<uint16_t>(ldns_rr_list_rr_count(authority)));
  return packet_wire(packet.get()).value_or(std::vector<uint8_t>{});
}

}  // namespace vigil::dns
