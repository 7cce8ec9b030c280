// RRsets as the validator sees them: the records of one owner, class and type, and the RRSIGs
// that cover them (RFC 4034 3, RFC 4035 5.3). Built from a section of an upstream reply.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dns/ldns_ptr.h"

namespace vigil::validator {

struct RRset {
  dns::LdnsRrList records;     // owning; at least one record
  dns::LdnsRrList signatures;  // owning; RRSIGs with the same owner and class covering `type()`

  const ldns_rdf* owner() const { return ldns_rr_owner(ldns_rr_list_rr(records.get(), 0)); }
  ldns_rr_type type() const { return ldns_rr_get_type(ldns_rr_list_rr(records.get(), 0)); }
  uint32_t ttl() const;          // the smallest TTL of its records
  std::string describe() const;  // "www.example.test./A"
};

// Groups the records of `section` into RRsets (owner compared case-insensitively) in order of
// first appearance, and attaches each RRSIG to the RRset it covers. RRSIGs covering no RRset of
// the section are dropped: they prove nothing here. Records are copied.
std::vector<RRset> group_rrsets(const ldns_rr_list* section);

// RFC 4034 3.1.3: the number of labels of an owner name, not counting the root or a leading "*".
uint8_t label_count(const ldns_rdf* name);

// Presentation form of a name ("www.example.test.") for details and logs.
std::string name_text(const ldns_rdf* name);

}  // namespace vigil::validator
