#include "daemon/pipeline/pin_splice.h"

#include "dns/ldns_ptr.h"
#include "dns/ldns_wire.h"

namespace vigil {

namespace {

std::vector<uint8_t> wire_of(const ldns_rdf* name) {
  return {ldns_rdf_data(name), ldns_rdf_data(name) + ldns_rdf_size(name)};
}

ldns_rr* record_from_pin(const ldns_rdf* owner, const dns::LocalRecord& pin) {
  // The pin's RDATA is wire form: let ldns read it as a whole record.
  std::vector<uint8_t> wire = wire_of(owner);
  const uint8_t fixed[] = {static_cast<uint8_t>(pin.type >> 8), static_cast<uint8_t>(pin.type),
                           0, 1,  // class IN
                           static_cast<uint8_t>(pin.ttl >> 24), static_cast<uint8_t>(pin.ttl >> 16),
                           static_cast<uint8_t>(pin.ttl >> 8), static_cast<uint8_t>(pin.ttl),
                           static_cast<uint8_t>(pin.rdata.size() >> 8),
                           static_cast<uint8_t>(pin.rdata.size())};
  wire.insert(wire.end(), std::begin(fixed), std::end(fixed));
  wire.insert(wire.end(), pin.rdata.begin(), pin.rdata.end());
  ldns_rr* rr = nullptr;
  size_t position = 0;
  if (ldns_wire2rr(&rr, wire.data(), wire.size(), &position, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK) {
    return nullptr;
  }
  return rr;
}

}  // namespace

std::optional<std::vector<uint8_t>> splice_pins(dns::Bytes reply, const dns::QueryInfo& question,
                                                const cache::PinTable& pins) {
  if (pins.empty()) return std::nullopt;
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, reply.data(), reply.size()) != LDNS_STATUS_OK) return std::nullopt;
  const dns::LdnsPkt packet(parsed);
  const ldns_rr_list* answer = ldns_pkt_answer(packet.get());
  dns::LdnsRrList kept(ldns_rr_list_new());
  dns::LdnsRdf name(ldns_dname_new_frm_data(static_cast<uint16_t>(question.qname.length),
                                            question.qname.bytes.data()));
  // Follow the CNAME links from the question; stop at the first pinned target.
  for (unsigned link = 0; link <= cache::PinTable::kMaxCnameChain; ++link) {
    const ldns_rr* cname = nullptr;
    for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(answer, i);
      if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
          ldns_dname_compare(ldns_rr_owner(rr), name.get()) == 0) {
        cname = rr;
        break;
      }
    }
    if (cname == nullptr) return std::nullopt;
    ldns_rr_list_push_rr(kept.get(), ldns_rr_clone(cname));
    name.reset(ldns_rdf_clone(ldns_rr_rdf(cname, 0)));
    const std::vector<uint8_t> target = wire_of(name.get());
    if (!pins.is_pinned(target)) continue;
    for (const auto& pin : pins.answer(target, question.qtype)) {
      const dns::LdnsRdf owner(pin.owner.empty() ? ldns_rdf_clone(name.get())
                                                 : ldns_dname_new_frm_data(
                                                       static_cast<uint16_t>(pin.owner.size()),
                                                       pin.owner.data()));
      if (ldns_rr* rr = record_from_pin(owner.get(), pin)) ldns_rr_list_push_rr(kept.get(), rr);
    }
    // The answer is now the upstream's links and the pins: no proofs, nothing else.
    ldns_rr_list_deep_free(ldns_pkt_answer(packet.get()));
    ldns_rr_list_deep_free(ldns_pkt_authority(packet.get()));
    ldns_pkt_set_answer(packet.get(), kept.release());
    ldns_pkt_set_authority(packet.get(), ldns_rr_list_new());
    ldns_pkt_set_ancount(packet.get(),
                         static_cast<uint16_t>(ldns_rr_list_rr_count(ldns_pkt_answer(packet.get()))));
    ldns_pkt_set_nscount(packet.get(), 0);
    ldns_pkt_set_rcode(packet.get(), LDNS_RCODE_NOERROR);
    return dns::packet_wire(packet.get());
  }
  return std::nullopt;
}

}  // namespace vigil
