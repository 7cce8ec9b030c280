// The RRsets of an answer's answer section, read straight from its wire form (no ldns, no copy):
// grouped by owner, type and class (an RRSIG goes with the RRset it covers), each with how much
// it can be trusted as a witness for its own name (RFC 2181 5.4.1). The RRset cache keeps them
// as ranges of the answer's wire form, so this is also how it reads them back.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "dns/message.h"
#include "dns/name.h"
#include "dns/wire.h"

namespace vigil::cache {

// RFC 2181 5.4.1: the answer to the exact question ranks above data learned along the way (the
// records at the end of a CNAME chain, answered for another name).
enum class Trust : uint8_t { Chain, Answer };

// Reads the possibly compressed name at `offset` into `name`, folded to lower case; returns the
// offset just past the name as it stands, or nullopt if it is malformed (a pointer that does not
// point backwards, a label over 63 octets, a name over 255).
std::optional<std::size_t> read_name(dns::Bytes wire, std::size_t offset, dns::WireName& name);

struct WireRecord {
  uint16_t offset = 0;  // where its owner name starts
  uint16_t type = 0;
  uint16_t rclass = 0;
  uint16_t covered = 0;  // the type an RRSIG covers; its own type otherwise
  uint32_t ttl = 0;
  uint16_t rdata_offset = 0;
  uint16_t rdlength = 0;
};

// The records of the answer section; nullopt if the message is malformed. The second form
// takes the message's layout when it is already parsed.
std::optional<std::vector<WireRecord>> answer_records(dns::Bytes wire);
std::optional<std::vector<WireRecord>> answer_records(dns::Bytes wire,
                                                      const dns::MessageLayout& layout);

struct AnswerRRset {
  uint16_t offset = 0;  // its first record, data or RRSIG
  dns::WireName owner;  // lower case
  uint16_t type = 0;
  uint16_t rclass = 0;
  uint32_t ttl = 0;  // the smallest TTL among its records and RRSIGs
  Trust trust = Trust::Chain;
};

// nullopt if the message does not parse. The owner of an Answer RRset is `qname`.
std::optional<std::vector<AnswerRRset>> answer_rrsets(dns::Bytes wire, dns::Bytes qname);
std::optional<std::vector<AnswerRRset>> answer_rrsets(dns::Bytes wire,
                                                      const dns::MessageLayout& layout,
                                                      dns::Bytes qname);

// The records of the RRset whose first record lies at `offset` in `wire`: its data records, then
// its RRSIGs, in the order of the message. Empty if `wire` is malformed.
std::vector<WireRecord> rrset_records(dns::Bytes wire, uint16_t offset);

// True if the RRsets at `a_offset` in `a` and `b_offset` in `b` hold the same RDATA set: sorted,
// with the names in RDATA uncompressed and folded to lower case (RFC 4034 6.2), RRSIGs left out.
bool has_same_rdata(dns::Bytes a, uint16_t a_offset, dns::Bytes b, uint16_t b_offset);

}  // namespace vigil::cache
