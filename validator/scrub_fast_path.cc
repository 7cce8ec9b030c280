#include "validator/scrub_fast_path.h"

#include <array>
#include <optional>
#include <vector>

#include "dns/record_walker.h"

namespace vigil::validator {

namespace {

using dns::Bytes;
using dns::WireRecord;
namespace rrtype = dns::rrtype;

constexpr std::size_t kRrsigFixedFields = 18;  // RFC 4034 3.1: type covered .. key tag
constexpr std::size_t kSoaFixedFields = 20;    // RFC 1035 3.3.13: serial .. minimum

// RFC 4034 4.1.2: windows in increasing order, each 1..32 octets of bitmap.
bool is_type_bitmap(Bytes wire, std::size_t pos, std::size_t end) {
  int last_window = -1;
  while (pos < end) {
    if (pos + 2 > end) return false;
    const int window = wire[pos];
    const std::size_t length = wire[pos + 1];
    if (window <= last_window || length == 0 || length > 32 || pos + 2 + length > end) {
      return false;
    }
    last_window = window;
    pos += 2 + length;
  }
  return true;
}

// An uncompressed name that lies within the RDATA; returns the offset past it.
std::optional<std::size_t> rdata_name(Bytes wire, std::size_t pos, std::size_t end) {
  const auto length = dns::uncompressed_name_length(wire.first(end), pos);
  if (!length) return std::nullopt;
  return pos + *length;
}

// The RDATA has the shape ldns reads for its type (so the full path would not fail to parse it
// where the fast path passes it on). Types not listed are "not sure".
bool has_expected_rdata(Bytes wire, const WireRecord& record) {
  const std::size_t end = record.end;
  switch (record.type) {
    case rrtype::A: return record.rdlength() == 4;
    case rrtype::AAAA: return record.rdlength() == 16;
    case rrtype::RRSIG: {
      if (record.rdlength() < kRrsigFixedFields) return false;
      return rdata_name(wire, record.rdata + kRrsigFixedFields, end).has_value();
    }
    case rrtype::SOA: {
      dns::WireName ignored;
      const auto after_mname = dns::read_name(wire.first(end), record.rdata, ignored);
      if (!after_mname) return false;
      const auto after_rname = dns::read_name(wire.first(end), *after_mname, ignored);
      return after_rname && *after_rname + kSoaFixedFields == end;
    }
    case rrtype::NSEC: {
      const auto after_next = rdata_name(wire, record.rdata, end);
      return after_next && is_type_bitmap(wire, *after_next, end);
    }
    case rrtype::NSEC3: {
      // RFC 5155 3.2: algorithm, flags, iterations, salt length + salt, hash length + hash.
      std::size_t pos = record.rdata + 4;
      if (pos + 1 > end) return false;
      pos += 1 + wire[pos];
      if (pos + 1 > end) return false;
      const std::size_t hash_length = wire[pos];
      pos += 1 + hash_length;
      return hash_length > 0 && pos <= end && is_type_bitmap(wire, pos, end);
    }
    default: return false;
  }
}

uint16_t type_covered(Bytes wire, const WireRecord& rrsig) {
  return dns::read_u16(wire.data() + rrsig.rdata);
}

Bytes owner_of(const WireRecord& record) { return record.owner.view(); }

// RRSIGs counted per RRset they cover, for THREATS rule 11 (KeyTrap).
class SignatureCounts {
 public:
  // False when the cap is passed or when there are more RRsets than this fast path tracks.
  bool add(Bytes owner, uint16_t type, unsigned cap) {
    for (std::size_t i = 0; i < used_; ++i) {
      if (slots_[i].type == type && dns::equal_ignoring_case(slots_[i].owner.view(), owner)) {
        return ++slots_[i].count <= cap;
      }
    }
    if (used_ == slots_.size()) return false;
    auto& slot = slots_[used_++];
    slot.owner = *dns::WireName::from_wire(owner);
    slot.type = type;
    slot.count = 1;
    return slot.count <= cap;
  }

 private:
  struct Slot {
    dns::WireName owner;
    uint16_t type = 0;
    unsigned count = 0;
  };
  std::array<Slot, 8> slots_{};
  std::size_t used_ = 0;
};

// The records the full scrubber's chain walk keeps at once: `qtype` at the QNAME and the RRSIGs
// over it (scrub.h, "Answer"). Authority empty (scrub.h would look for wildcard proofs).
bool is_minimal_positive(Bytes wire, const std::vector<WireRecord>& records, Bytes qname,
                         uint16_t qtype, uint16_t qclass, const ScrubLimits& limits) {
  if (qtype != rrtype::A && qtype != rrtype::AAAA) return false;
  bool has_data = false;
  unsigned rrsigs = 0;
  for (const auto& record : records) {
    if (record.section != dns::RecordSection::Answer) return false;
    if (record.rclass != qclass || !dns::equal_ignoring_case(owner_of(record), qname)) return false;
    if (record.type == qtype) {
      has_data = true;
    } else if (record.type == rrtype::RRSIG) {
      if (type_covered(wire, record) != qtype) return false;
      ++rrsigs;
    } else {
      return false;
    }
  }
  return has_data && rrsigs <= limits.max_rrsigs_per_rrset;
}

// An RRset of `type` at `owner` among the data records (RRSIGs go only with one, scrub.h).
bool has_rrset(const std::vector<WireRecord>& records, Bytes owner, uint16_t type) {
  for (const auto& record : records) {
    if (record.type == type && dns::equal_ignoring_case(owner_of(record), owner)) return true;
  }
  return false;
}

// A negative answer: the SOA of one zone at or above the QNAME, that zone's NSEC/NSEC3 and the
// RRSIGs over exactly those RRsets (scrub.h, "Authority").
bool is_minimal_negative(Bytes wire, const std::vector<WireRecord>& records, Bytes qname,
                         uint16_t qclass, const ScrubLimits& limits) {
  const WireRecord* soa = nullptr;
  for (const auto& record : records) {
    if (record.section != dns::RecordSection::Authority || record.rclass != qclass) return false;
    if (record.type != rrtype::SOA) continue;
    if (soa != nullptr && !dns::equal_ignoring_case(owner_of(*soa), owner_of(record))) {
      return false;  // two zones' SOAs: the full scrubber keeps only the deepest
    }
    if (!dns::is_at_or_below(qname, owner_of(record))) return false;
    soa = &record;
  }
  if (records.empty()) return true;
  if (soa == nullptr) return false;  // proofs without a SOA: the zone comes from signers
  SignatureCounts signatures;
  for (const auto& record : records) {
    switch (record.type) {
      case rrtype::SOA: break;
      case rrtype::NSEC:
      case rrtype::NSEC3:
        // THREATS rule 16: NSEC/NSEC3 records prove only within their zone.
        if (!dns::is_at_or_below(owner_of(record), owner_of(*soa))) return false;
        break;
      case rrtype::RRSIG: {
        const uint16_t covered = type_covered(wire, record);
        if (covered != rrtype::SOA && covered != rrtype::NSEC && covered != rrtype::NSEC3) {
          return false;
        }
        if (!has_rrset(records, owner_of(record), covered)) return false;  // over nothing kept
        if (!signatures.add(owner_of(record), covered, limits.max_rrsigs_per_rrset)) return false;
        break;
      }
      default: return false;  // NS, DS and the rest are dropped
    }
  }
  return true;
}

}  // namespace

bool scrub_keeps_everything(dns::Bytes reply, const dns::MessageLayout& layout, dns::Bytes qname,
                            uint16_t qtype, const ScrubLimits& limits) {
  const dns::Header& header = layout.header;
  if (header.qdcount != 1 || !layout.question) return false;
  // THREATS rule 11: records per section bounded (the full scrubber refuses above the cap).
  if (header.ancount > limits.max_records_per_section ||
      header.nscount > limits.max_records_per_section) {
    return false;
  }
  // The additional section holds the OPT alone (ldns takes it out of the section) or nothing.
  if (header.arcount != (layout.edns ? 1 : 0)) return false;
  const uint16_t qclass = layout.question->qclass;
  std::vector<WireRecord> records;
  records.reserve(header.ancount + header.nscount);
  dns::RecordWalker walker(reply, layout);
  WireRecord record;
  while (walker.next(record)) {
    if (record.section == dns::RecordSection::Additional) continue;  // the OPT
    if (!has_expected_rdata(reply, record)) return false;
    records.push_back(record);
  }
  if (walker.failed()) return false;
  if (header.ancount > 0) {
    return is_minimal_positive(reply, records, qname, qtype, qclass, limits);
  }
  return is_minimal_negative(reply, records, qname, qclass, limits);
}

}  // namespace vigil::validator
