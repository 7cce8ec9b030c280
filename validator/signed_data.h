// The bytes an RRSIG signs (RFC 4034 3.1.8.1): its RDATA without the signature, then the RRset
// in canonical form and order (RFC 4034 6), each record with the RRSIG's Original TTL and, for
// an answer synthesized from a wildcard, the wildcard as owner (RFC 4035 5.3.2). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "dns/ldns_ptr.h"

namespace vigil::validator {

// nullopt if a record cannot be rendered (a malformed RRSIG or record).
std::optional<std::vector<uint8_t>> signed_data(const ldns_rr_list* records, const ldns_rr* rrsig);

}  // namespace vigil::validator
