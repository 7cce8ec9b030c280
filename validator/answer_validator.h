// Validates one upstream reply to (qname, qtype) as a whole (RFC 4035 5): every RRset of the
// answer's CNAME/DNAME chain, and for a negative answer the SOA and NSEC/NSEC3 proof from the
// zone that holds the last name. Resumable like the trust chain: it returns a Need until every
// DS and DNSKEY it depends on has been fetched.
#pragma once

#include <optional>

#include "validator/trust_chain.h"

namespace vigil::validator {

struct AnswerValidation {
  std::optional<Need> need;  // set: fetch this, add it to input.fetched, call again
  Verdict verdict;           // secure only if every part is secure; bogus if any part is
  uint32_t ttl = 0;          // secure: how long the validated answer may be cached
};

AnswerValidation validate_answer(const ldns_pkt* reply, const ldns_rdf* qname, ldns_rr_type qtype,
                                 ValidationInput& input);

}  // namespace vigil::validator
