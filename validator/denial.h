// Authenticated denial of existence: NSEC (RFC 4035 5.4, RFC 4034 4) and NSEC3 (RFC 5155 8).
// Pure: the NSEC/NSEC3 RRsets passed in have already been validated as signed by `zone`; these
// functions only decide what they prove.
#pragma once

#include <vector>

#include "validator/policy.h"
#include "validator/rrset.h"
#include "validator/verdict.h"

namespace vigil::validator {

// Each function looks at the NSEC and NSEC3 RRsets among `proofs` (others are ignored) and
// uses only those whose owner is at or below `zone` (an NSEC/NSEC3 proves only inside its own
// zone; an NSEC whose next name leaves the zone proves nothing past the zone's end).
// Results: Secure when proven; Insecure(Nsec3IterationsTooHigh) when the only proofs are NSEC3
// with more iterations than policy.max_nsec3_iterations (RFC 9276); Bogus(NsecMissing) when the
// proof is missing or wrong, Bogus(WorkLimit) when the budget's NSEC3 hashes ran out. NSEC3 with
// an unknown hash algorithm is ignored. Every detail names the query name.

// NXDOMAIN: `qname` does not exist and no wildcard could have produced it. NSEC: one NSEC covers
// qname, one covers (or is) the wildcard at the closest encloser. NSEC3: closest encloser proof
// (a matching NSEC3 for the closest encloser, a covering one for the next closer name) and a
// covering NSEC3 for the wildcard at the closest encloser. Opt-out on the next-closer NSEC3 is
// accepted for NXDOMAIN only as Insecure (RFC 5155 9.2: the name may be under an unsigned
// delegation), Reason::None.
Verdict prove_nxdomain(const ldns_rdf* qname, const std::vector<const RRset*>& proofs,
                       const ldns_rdf* zone, const ValidationPolicy& policy, WorkBudget& budget);

// NODATA: `qname` exists but has no `qtype` (nor CNAME). NSEC: the NSEC at qname whose type
// bitmap lacks qtype and CNAME; or, for a name that only a wildcard matched (wildcard NODATA),
// an NSEC covering qname plus the NSEC at the wildcard lacking qtype and CNAME. For qtype DS
// the NSEC must come from the parent side (RFC 4035 5.4: SOA bit clear unless at the apex).
// NSEC3: the NSEC3 matching qname lacking qtype and CNAME; for qtype DS an opt-out NSEC3
// covering the next closer name is accepted as Insecure (RFC 5155 8.6); wildcard NODATA per
// RFC 5155 8.7. (A DS NODATA at a name without NS, an ordinary name, is a valid NODATA too;
// prove_no_ds tells a delegation from such a name.)
Verdict prove_nodata(const ldns_rdf* qname, ldns_rr_type qtype,
                     const std::vector<const RRset*>& proofs, const ldns_rdf* zone,
                     const ValidationPolicy& policy, WorkBudget& budget);

// A wildcard expansion (RFC 4035 5.3.4): an answer for `qname` was synthesized from the
// wildcard whose RRSIG had `rrsig_labels` labels; prove that qname itself does not exist: an
// NSEC covering qname, or an NSEC3 covering the next closer name (RFC 5155 8.8).
Verdict prove_wildcard_expansion(const ldns_rdf* qname, uint8_t rrsig_labels,
                                 const std::vector<const RRset*>& proofs, const ldns_rdf* zone,
                                 const ValidationPolicy& policy, WorkBudget& budget);

// What a validated negative answer to "`name` DS" says about a zone cut at `name` (the walk
// that proves an unsigned answer insecure; see ../shared/VALIDATING-STUB.md).
enum class CutKind {
  InsecureDelegation,  // NS without DS at name (NSEC or matching NSEC3), or opt-out covering it
  NotACut,             // name exists in `zone` (or is an empty non-terminal) without NS
  NoSuchName,          // name does not exist
  Unproven,            // the proof is missing or wrong
};
struct CutProof {
  CutKind kind = CutKind::Unproven;
  Verdict verdict;  // Secure for the first three; Insecure(Nsec3IterationsTooHigh); Bogus(...)
                    // (those two come with kind Unproven: the verdict says what to do)
};
CutProof prove_no_ds(const ldns_rdf* name, const std::vector<const RRset*>& proofs,
                     const ldns_rdf* zone, const ValidationPolicy& policy, WorkBudget& budget);

}  // namespace vigil::validator
