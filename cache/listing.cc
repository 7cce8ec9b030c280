#include "cache/listing.h"

#include "dns/name.h"

namespace vigil::cache {

namespace {

std::string type_text(uint16_t type) {
  const dns::LdnsStr text(ldns_rr_type2str(static_cast<ldns_rr_type>(type)));
  return text ? text.get() : std::to_string(type);
}

std::string lower_text(dns::Bytes name) {
  dns::WireName lower;
  if (name.size() > lower.bytes.size()) return "?";
  std::copy(name.begin(), name.end(), lower.bytes.begin());
  lower.length = static_cast<uint8_t>(name.size());
  dns::to_lower(lower.mutable_view());
  return dns::to_text(lower.view());
}

}  // namespace

bool is_named(dns::Bytes entry_name, uint16_t entry_type, dns::Bytes name, uint16_t type,
              bool subtree) {
  if (name.empty()) return true;
  if (type != 0 && entry_type != type) return false;
  const dns::Bytes zone = name;  // with `subtree`, the entries at or below it
  return subtree ? dns::is_at_or_below(entry_name, zone)
                 : dns::equal_ignoring_case(entry_name, name);
}

std::string record_line(ldns_rr* rr, uint32_t elapsed) {
  const uint32_t ttl = ldns_rr_ttl(rr);
  ldns_rr_set_ttl(rr, ttl > elapsed ? ttl - elapsed : 0);
  ldns_dname2canonical(ldns_rr_owner(rr));  // the upstream echoed our 0x20 letter case
  const dns::LdnsStr text(ldns_rr2str(rr));
  std::string line = text ? text.get() : "";
  while (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

std::vector<std::string> answer_listing(const CachedAnswer& answer, const std::string& upstream,
                                        uint64_t now_ms) {
  const dns::Bytes wire = answer.wire();
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, wire.data(), wire.size()) != LDNS_STATUS_OK) return {};
  const dns::LdnsPkt packet(parsed);
  const dns::LdnsStr rcode(ldns_pkt_rcode2str(ldns_pkt_get_rcode(packet.get())));
  std::vector<std::string> lines{
      "; answer " + lower_text(answer.qname()) + " " + type_text(answer.qtype()) + " " +
      rcode.get() + " security=" + to_string(answer.security) +
      " upstream=" + (upstream.empty() ? "-" : upstream) +
      " ttl=" + std::to_string((answer.expires_ms() - now_ms) / 1000)};
  const uint32_t elapsed = answer.age_seconds(now_ms);
  for (const ldns_rr_list* section : {ldns_pkt_answer(packet.get()), ldns_pkt_authority(packet.get())}) {
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
      lines.push_back(record_line(ldns_rr_list_rr(section, i), elapsed));
    }
  }
  return lines;
}

std::vector<std::string> rrset_listing(const CachedRRset& rrset, const std::string& upstream,
                                       uint64_t now_ms) {
  std::vector<std::string> lines{
      "; rrset " + dns::to_text(owner_of(rrset).view()) + " " + type_text(rrset.type) +
      " security=" + to_string(rrset.security()) +
      " trust=" + (rrset.trust == Trust::Answer ? "answer" : "chain") +
      " upstream=" + (upstream.empty() ? "-" : upstream) +
      " ttl=" + std::to_string((rrset.expires_ms() - now_ms) / 1000) +
      (now_ms < rrset.locked_until_ms() ? " locked" : "")};
  const auto elapsed = static_cast<uint32_t>((now_ms - rrset.stored_ms()) / 1000);
  const dns::Bytes wire = rrset.answer->wire();
  for (const auto& record : rrset_records(wire, rrset.offset)) {
    ldns_rr* parsed = nullptr;
    std::size_t position = record.offset;
    if (ldns_wire2rr(&parsed, wire.data(), wire.size(), &position, LDNS_SECTION_ANSWER) !=
        LDNS_STATUS_OK) {
      break;
    }
    const dns::LdnsRr rr(parsed);
    lines.push_back(record_line(rr.get(), elapsed));
  }
  return lines;
}

}  // namespace vigil::cache
