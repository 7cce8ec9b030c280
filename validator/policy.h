// What validation allows and how much work one client query may cost. The limits answer
// KeyTrap (CVE-2023-50387) and NSEC3 hash floods (CVE-2023-50868): a crafted zone ends in
// SERVFAIL after a bounded amount of work instead of stalling the loop.
#pragma once

#include <cstdint>

namespace vigil::validator {

using UnixTime = int64_t;  // seconds since 1970; the caller passes "now", nothing reads a clock

struct ValidationPolicy {
  uint32_t clock_skew_seconds = 300;        // tolerated on inception and expiration
  unsigned max_nsec3_iterations = 50;       // RFC 9276 3.2: above this the zone is insecure
  unsigned max_signatures_per_rrset = 8;    // THREATS rule 11: RRSIGs tried for one RRset
  unsigned max_keys_per_signature = 4;      // key-tag collisions tried for one RRSIG (KeyTrap)
  unsigned max_ds_dnskey_pairs = 16;        // DS x DNSKEY matches tried for one zone
  unsigned max_nsec3_records = 8;           // NSEC3 records looked at in one proof
  unsigned max_cname_chain = 11;            // THREATS rule 11: links followed in one answer
  uint32_t bogus_ttl = 60;                  // RFC 9520: how long a bogus zone is remembered
};

// Spent across all steps of one client query; when a counter reaches zero the step fails bogus
// with Reason::WorkLimit.
struct WorkBudget {
  unsigned signature_verifications = 64;
  unsigned nsec3_hashes = 128;

  bool spend_signature() { return signature_verifications > 0 && (--signature_verifications, true); }
  bool spend_nsec3_hash() { return nsec3_hashes > 0 && (--nsec3_hashes, true); }
};

}  // namespace vigil::validator
