// RFC 5011 2.1: a key's REVOKE bit counts only if the key itself signs the DNSKEY RRset that
// carries it. Pure.
#pragma once

#include "validator/policy.h"
#include "validator/rrset.h"

namespace vigil::validator {

// True if an RRSIG over `dnskeys` made by `key` (tag, algorithm and signature as published,
// REVOKE bit included) verifies at `now`. Revoked keys are tried too: that is the point.
bool is_self_signed_by(const RRset& dnskeys, const ldns_rr* key, UnixTime now);

}  // namespace vigil::validator
