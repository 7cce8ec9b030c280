// RRSIG checks (RFC 4035 5.3) and the DNSKEY-to-DS link (RFC 4035 5.2), with the algorithm
// policy of RFC 8624. Pure: records, keys and "now" in, a verdict out.
#pragma once

#include <cstdint>

#include "validator/policy.h"
#include "validator/public_key_cache.h"
#include "validator/rrset.h"
#include "validator/verdict.h"

namespace vigil::validator {

// RFC 8624 3.1: algorithms vigil validates (8, 10, 13, 14, 15, 16). Others (1, 3, 5, 6, 7, 12,
// unknown) make a zone insecure, not bogus.
bool is_supported_algorithm(uint8_t algorithm);
// RFC 8624 3.3: DS digest types 2 and 4; 1 (SHA-1) only when no better digest is present.
// True for 1, 2 and 4: the SHA-1 preference (RFC 4509 3) is applied by verify_dnskey_rrset,
// which sees the whole DS RRset.
bool is_supported_digest(uint8_t digest_type);

// Where "now" stands against an RRSIG's validity period (RFC 4034 3.1.5, RFC 4035 5.3.1).
enum class SignatureTime {
  Valid,
  NotYetValid,                // inception > now + skew
  Expired,                    // expiration < now - skew
  ExpirationBeforeInception,  // the period is empty: no time ever makes it valid
};

// RFC 4035 5.3.1: inception <= now <= expiration, each widened by `skew_seconds`. The fields are
// 32-bit serial numbers (RFC 4034 3.1.5, RFC 1982): they are compared with `now` modulo 2^32 by
// their signed 32-bit difference, so signatures keep working across 2038 and the 2106 wrap.
SignatureTime classify_signature_time(uint32_t inception, uint32_t expiration, UnixTime now,
                                      uint32_t skew_seconds);

struct SignatureCheck {
  Verdict verdict;
  // When secure: how long the result may be cached: the smallest of the RRset's TTL, the
  // RRSIG's original TTL and the time left until its expiration (RFC 4035 5.3.3).
  uint32_t ttl = 0;
  // When secure: the Labels field of the RRSIG that verified; fewer than the owner's labels
  // means the RRset was synthesized from a wildcard (RFC 4035 5.3.4), and the caller must then
  // prove that the query name does not exist.
  uint8_t rrsig_labels = 0;
};

// RFC 4035 5.3.1/5.3.2: is `rrset` signed by one of `zone_keys`, the validated DNSKEY RRset of
// the zone `signer`? Checks for each RRSIG (at most policy.max_signatures_per_rrset): type
// covered, class, owner; signer name equals `signer` and encloses the owner; labels not above the
// owner's label count; algorithm supported; inception <= now + skew and now - skew <= expiration
// in RFC 1982 serial arithmetic; then the signature with each key of matching tag, algorithm
// and zone-key flag (at most policy.max_keys_per_signature), each spending budget. Secure on the
// first that verifies; otherwise bogus with the most telling reason (RrsigsMissing when there is
// no RRSIG at all; SignatureExpired / SignatureNotYetValid when the only candidates failed on
// time; WorkLimit when the budget ran out; else SignatureInvalid), with a detail naming the RRset.
// With `public_keys`, ECDSA keys are built once and kept there (the verdicts are the same).
SignatureCheck verify_rrset(const RRset& rrset, const ldns_rr_list* zone_keys,
                            const ldns_rdf* signer, UnixTime now, const ValidationPolicy& policy,
                            WorkBudget& budget, PublicKeyCache* public_keys = nullptr);

// RFC 4035 5.2: the DNSKEY RRset `dnskeys` of the zone at its owner is secure when a record of
// `trusted` (DS records from a validated DS RRset or trust anchors, and/or DNSKEY trust anchors)
// matches a key of the set that has the zone-key flag, and that key signs the set. A DS matches a
// DNSKEY when owner, key tag, algorithm and the digest (ldns_key_rr2ds with its digest type) agree.
// Insecure (UnsupportedAlgorithm or UnsupportedDigest) when no trusted record has a supported
// algorithm and digest: RFC 4035 5.2 treats such a zone as unsigned. Bogus(DnskeyMissing) when
// supported trusted records match no key; otherwise the verdict of verify_rrset on the set.
// At most policy.max_ds_dnskey_pairs comparisons.
SignatureCheck verify_dnskey_rrset(const RRset& dnskeys, const ldns_rr_list* trusted,
                                   UnixTime now, const ValidationPolicy& policy,
                                   WorkBudget& budget, PublicKeyCache* public_keys = nullptr);

}  // namespace vigil::validator
