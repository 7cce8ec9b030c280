#include "cache/answer_rrsets.h"

#include <algorithm>
#include <limits>

#include "dns/message.h"
#include "dns/types.h"

namespace vigil::cache {

namespace {

constexpr std::size_t kFixedRecordFields = 10;  // type, class, TTL, RDLENGTH
constexpr uint8_t kPointerBits = 0xc0;

uint8_t folded(uint8_t c) { return (c >= 'A' && c <= 'Z') ? static_cast<uint8_t>(c + 32) : c; }

// How the names in a type's RDATA lie (RFC 1035 3.3, RFC 4034 6.2): `skip` octets, then `names`
// names, then the rest as it is.
struct NamesInRdata {
  std::size_t skip = 0;
  unsigned names = 0;
};

NamesInRdata names_in_rdata(uint16_t type) {
  switch (type) {
    case dns::rrtype::NS: case 3: case 4: case dns::rrtype::CNAME: case 7: case 8: case 9:
    case 12: case 39:  // MD, MF, MB, MG, MR, PTR, DNAME
      return {0, 1};
    case dns::rrtype::SOA: case 14: case 17:  // SOA, MINFO, RP
      return {0, 2};
    case dns::rrtype::MX: case 18: case 21: case 36:  // MX, AFSDB, RT, KX
      return {2, 1};
    case 33:  // SRV
      return {6, 1};
    default:
      return {};
  }
}

// The RDATA of `record` in canonical form: its names uncompressed and in lower case.
std::vector<uint8_t> canonical_rdata(dns::Bytes wire, const WireRecord& record) {
  const std::size_t end = std::size_t{record.rdata_offset} + record.rdlength;
  const NamesInRdata layout = names_in_rdata(record.type);
  std::vector<uint8_t> out;
  std::size_t at = record.rdata_offset;
  if (layout.names > 0 && layout.skip <= record.rdlength) {
    out.assign(wire.begin() + static_cast<std::ptrdiff_t>(at),
               wire.begin() + static_cast<std::ptrdiff_t>(at + layout.skip));
    at += layout.skip;
    for (unsigned i = 0; i < layout.names; ++i) {
      dns::WireName name;
      const auto after = read_name(wire.first(end), at, name);
      if (!after) {
        // Not names after all: compared as the octets they are.
        return {wire.begin() + record.rdata_offset, wire.begin() + static_cast<std::ptrdiff_t>(end)};
      }
      dns::append_bytes(out, name.view());
      at = *after;
    }
  }
  out.insert(out.end(), wire.begin() + static_cast<std::ptrdiff_t>(at),
             wire.begin() + static_cast<std::ptrdiff_t>(end));
  return out;
}

std::vector<std::vector<uint8_t>> rdata_set(dns::Bytes wire, uint16_t offset) {
  std::vector<std::vector<uint8_t>> set;
  for (const auto& record : rrset_records(wire, offset)) {
    if (record.type != dns::rrtype::RRSIG) set.push_back(canonical_rdata(wire, record));
  }
  std::sort(set.begin(), set.end());
  return set;
}

}  // namespace

std::optional<std::size_t> read_name(dns::Bytes wire, std::size_t offset, dns::WireName& name) {
  std::size_t length = 0;
  std::optional<std::size_t> end;  // past the name as it stands, once a pointer was followed
  std::size_t at = offset;
  while (true) {
    if (at >= wire.size()) return std::nullopt;
    const uint8_t label = wire[at];
    if ((label & kPointerBits) == kPointerBits) {
      if (at + 1 >= wire.size()) return std::nullopt;
      const std::size_t target = (std::size_t{label & 0x3fu} << 8) | wire[at + 1];
      if (!end) end = at + 2;
      // Only backwards: every jump lands earlier, so the walk ends.
      if (target >= at) return std::nullopt;
      at = target;
      continue;
    }
    if ((label & kPointerBits) != 0 || label > dns::kMaxLabelLength) return std::nullopt;
    if (at + 1 + label > wire.size() || length + 1 + label > dns::kMaxNameLength) {
      return std::nullopt;
    }
    name.bytes[length++] = label;
    for (std::size_t i = 0; i < label; ++i) name.bytes[length++] = folded(wire[at + 1 + i]);
    at += 1 + label;
    if (label == 0) break;
  }
  name.length = static_cast<uint8_t>(length);
  return end ? *end : at;
}

std::optional<std::vector<WireRecord>> answer_records(dns::Bytes wire) {
  const auto parsed = dns::parse_message(wire);
  if (!parsed.ok()) return std::nullopt;
  return answer_records(wire, parsed.layout);
}

std::optional<std::vector<WireRecord>> answer_records(dns::Bytes wire,
                                                      const dns::MessageLayout& layout) {
  if (wire.size() > std::numeric_limits<uint16_t>::max()) return std::nullopt;
  std::vector<WireRecord> records;
  records.reserve(layout.header.ancount);
  std::size_t offset = layout.question_end;
  for (unsigned i = 0; i < layout.header.ancount; ++i) {
    const auto after_name = dns::skip_name(wire, offset);
    if (!after_name || *after_name + kFixedRecordFields > wire.size()) return std::nullopt;
    const uint8_t* fields = wire.data() + *after_name;
    WireRecord record;
    record.offset = static_cast<uint16_t>(offset);
    record.type = dns::read_u16(fields);
    record.rclass = dns::read_u16(fields + 2);
    record.ttl = dns::read_u32(fields + 4);
    record.rdlength = dns::read_u16(fields + 8);
    record.rdata_offset = static_cast<uint16_t>(*after_name + kFixedRecordFields);
    if (std::size_t{record.rdata_offset} + record.rdlength > wire.size()) return std::nullopt;
    record.covered = record.type;
    if (record.type == dns::rrtype::RRSIG) {
      if (record.rdlength < 2) return std::nullopt;
      record.covered = dns::read_u16(wire.data() + record.rdata_offset);
    }
    records.push_back(record);
    offset = std::size_t{record.rdata_offset} + record.rdlength;
  }
  return records;
}

std::optional<std::vector<AnswerRRset>> answer_rrsets(dns::Bytes wire, dns::Bytes qname) {
  const auto parsed = dns::parse_message(wire);
  if (!parsed.ok()) return std::nullopt;
  return answer_rrsets(wire, parsed.layout, qname);
}

std::optional<std::vector<AnswerRRset>> answer_rrsets(dns::Bytes wire,
                                                      const dns::MessageLayout& layout,
                                                      dns::Bytes qname) {
  const auto records = answer_records(wire, layout);
  if (!records) return std::nullopt;
  std::vector<AnswerRRset> rrsets;
  for (const auto& record : *records) {
    AnswerRRset found;
    if (!read_name(wire, record.offset, found.owner)) return std::nullopt;
    auto group = std::find_if(rrsets.begin(), rrsets.end(), [&](const AnswerRRset& rrset) {
      return rrset.type == record.covered && rrset.rclass == record.rclass &&
             rrset.owner.view().size() == found.owner.view().size() &&
             std::equal(rrset.owner.view().begin(), rrset.owner.view().end(),
                        found.owner.view().begin());
    });
    if (group == rrsets.end()) {
      found.offset = record.offset;
      found.type = record.covered;
      found.rclass = record.rclass;
      found.ttl = record.ttl;
      found.trust = dns::equal_ignoring_case(found.owner.view(), qname) ? Trust::Answer
                                                                        : Trust::Chain;
      rrsets.push_back(found);
    } else {
      group->ttl = std::min(group->ttl, record.ttl);
    }
  }
  return rrsets;
}

std::vector<WireRecord> rrset_records(dns::Bytes wire, uint16_t offset) {
  const auto records = answer_records(wire);
  if (!records) return {};
  const auto first = std::find_if(records->begin(), records->end(),
                                  [&](const WireRecord& record) { return record.offset == offset; });
  if (first == records->end()) return {};
  dns::WireName owner;
  if (!read_name(wire, offset, owner)) return {};
  std::vector<WireRecord> data;
  std::vector<WireRecord> signatures;
  for (auto record = first; record != records->end(); ++record) {
    if (record->covered != first->covered || record->rclass != first->rclass) continue;
    dns::WireName name;
    if (!read_name(wire, record->offset, name) || name.length != owner.length ||
        !std::equal(name.view().begin(), name.view().end(), owner.view().begin())) {
      continue;
    }
    (record->type == dns::rrtype::RRSIG ? signatures : data).push_back(*record);
  }
  data.insert(data.end(), signatures.begin(), signatures.end());
  return data;
}

bool has_same_rdata(dns::Bytes a, uint16_t a_offset, dns::Bytes b, uint16_t b_offset) {
  return rdata_set(a, a_offset) == rdata_set(b, b_offset);
}

}  // namespace vigil::cache
