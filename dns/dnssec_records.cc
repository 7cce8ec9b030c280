#include "dns/dnssec_records.h"

#include <algorithm>
#include <optional>

#include "dns/ldns_ptr.h"
#include "dns/ldns_wire.h"
#include "dns/message.h"
#include "dns/name.h"
#include "dns/record_walker.h"

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

// Whether the names of `record` (owner and those in its RDATA) still read the same bytes when the
// message keeps only [kHeaderSize, kept_until) in place: they must not reach into the header,
// whose counts change, or into the bytes after the first dropped record, which move. False for
// a type whose RDATA layout is not known here (ldns then re-renders the message).
bool names_survive(Bytes wire, const WireRecord& record, std::size_t kept_until) {
  const auto fits = [&](std::size_t offset) {
    const auto range = pointed_range(wire.first(record.end), offset);
    return range && (range->empty() || (range->first >= kHeaderSize && range->last <= kept_until));
  };
  if (!fits(record.start)) return false;
  const std::size_t rdata = record.rdata;
  switch (record.type) {
    case rrtype::A: case rrtype::AAAA: case rrtype::TXT: case rrtype::OPT: case rrtype::DS:
    case rrtype::DNSKEY: case rrtype::NSEC3: case 51 /* NSEC3PARAM */:
      return true;
    case rrtype::CNAME: case rrtype::NS: case 12 /* PTR */: case 39 /* DNAME */:
    case rrtype::NSEC:
      return fits(rdata);
    case rrtype::MX: return record.rdlength() > 2 && fits(rdata + 2);
    case 33 /* SRV */: return record.rdlength() > 6 && fits(rdata + 6);
    case rrtype::RRSIG: return record.rdlength() > 18 && fits(rdata + 18);
    case rrtype::SOA: {
      WireName ignored;
      const auto after_mname = read_name(wire.first(record.end), rdata, ignored);
      return after_mname && fits(rdata) && *after_mname < record.end && fits(*after_mname);
    }
    default: return false;
  }
}

// The DO=0 form without ldns: the kept records copied as they stand, the counts adjusted.
// nullopt when a kept record's names cannot be copied unchanged (see names_survive).
std::optional<std::vector<uint8_t>> strip_on_the_wire(Bytes wire, const MessageLayout& layout,
                                                      uint16_t qtype) {
  std::vector<WireRecord> records;
  records.reserve(layout.header.ancount + layout.header.nscount + layout.header.arcount);
  std::size_t first_drop = wire.size();
  RecordWalker walker(wire, layout);
  WireRecord record;
  uint16_t counts[2] = {0, 0};
  while (walker.next(record)) {
    const bool droppable = record.section != RecordSection::Additional &&
                           is_dnssec_type(static_cast<ldns_rr_type>(record.type)) &&
                           record.type != qtype;
    if (droppable) {
      first_drop = std::min(first_drop, record.start);
      continue;
    }
    if (record.section != RecordSection::Additional) {
      ++counts[static_cast<int>(record.section)];
    }
    records.push_back(record);
  }
  if (walker.failed()) return std::nullopt;
  if (first_drop == wire.size()) return std::vector<uint8_t>(wire.begin(), wire.end());
  std::vector<uint8_t> out;
  out.reserve(wire.size());
  out.insert(out.end(), wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(layout.question_end));
  write_u16(out.data() + 6, counts[0]);
  write_u16(out.data() + 8, counts[1]);
  for (const auto& kept : records) {
    if (!names_survive(wire, kept, first_drop)) return std::nullopt;
    out.insert(out.end(), wire.begin() + static_cast<std::ptrdiff_t>(kept.start),
               wire.begin() + static_cast<std::ptrdiff_t>(kept.end));
  }
  return out;
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
  // nothing to re-render. And when they do, the RRSIGs and NSECs usually come last in their
  // section with nothing pointing into them: the other records are copied as they stand.
  const auto layout = parse_message(wire);
  if (layout.ok()) {
    if (auto stripped = strip_on_the_wire(wire, layout.layout, qtype)) return std::move(*stripped);
  }
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
