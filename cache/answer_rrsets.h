// The RRsets of an answer's answer section, as the RRset cache takes them: grouped by owner, type
// and class (an RRSIG goes with the RRset it covers), in uncompressed wire form, each with how
// much it can be trusted as a witness for its own name (RFC 2181 5.4.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dns/wire.h"

namespace vigil::cache {

// RFC 2181 5.4.1: the answer to the exact question ranks above data learned along the way (the
// records at the end of a CNAME chain, answered for another name).
enum class Trust : uint8_t { Chain, Answer };

struct AnswerRRset {
  std::string key;  // cache::question_key(group, owner, type, class); the RRset cache takes it
  std::vector<uint8_t> records;  // the records and then their RRSIGs, uncompressed wire form
  std::string fingerprint;       // the RDATA set, sorted and case-folded: equal data, equal print
  uint32_t ttl = 0;              // the smallest TTL among the records
  Trust trust = Trust::Chain;
};

// nullopt if the message does not parse. The owner of an Answer RRset is `qname`.
std::optional<std::vector<AnswerRRset>> answer_rrsets(dns::Bytes wire, uint64_t group_id,
                                                      dns::Bytes qname);

}  // namespace vigil::cache
