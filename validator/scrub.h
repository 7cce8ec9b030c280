// The bailiwick scrubber (THREATS rules 9-11): from a forwarded answer keep only what answers the
// question, so NS, glue and other zones' records smuggled beside it (MaginotDNS, BIND
// CVE-2021-25220) never reach the validator or the cache. Pure: records in, records out.
#pragma once

#include <string>
#include <vector>

#include "dns/ldns_ptr.h"

namespace vigil::validator {

enum class Section { Answer, Authority, Additional };

// One RRset removed from an answer, for the caller's counter and log line (THREATS rule 9:
// "dropped records are counted and logged"). Removed RRSIGs are reported with type "RRSIG".
struct DroppedRRset {
  std::string owner;  // presentation text, as the upstream spelled it ("www.Example.com.")
  std::string type;   // mnemonic ("NS")
  Section section;
};

// THREATS rule 11: an answer over any of these is refused whole.
struct ScrubLimits {
  // CNAME/DNAME links followed from the QNAME (RFC 1034 3.6.2 warns of chains; loops and long
  // chains make a resolver do unbounded work).
  unsigned max_chain = 11;
  // KeyTrap (CVE-2023-50387): every RRSIG over an RRset may cost a signature verification.
  unsigned max_rrsigs_per_rrset = 8;
  // Bounds the scrubber's own work (it compares records pairwise) and the validator's input.
  unsigned max_records_per_section = 100;
};

struct ScrubResult {
  dns::LdnsPkt message;               // the kept records only (header, question and EDNS copied);
                                      // null when refused
  std::vector<DroppedRRset> dropped;  // everything removed, in order (empty when refused)
  bool refused = false;  // a cap was exceeded: the whole answer is SERVFAIL, never partly kept
  std::string reason;    // why refused ("CNAME chain longer than 11", "9 RRSIGs over x./A")
};

// THREATS rules 9-11. What is kept (records of the question's class only):
//
// Answer: the chain from `qname`: at each name the RRset of `qtype` ends the chain; otherwise a
//   DNAME at an ancestor (RFC 6672 2.2; the first in the section, as the validator picks it) is
//   kept with the synthesized CNAME at the name and the chain continues at the substitution;
//   otherwise the CNAME RRset at the name is kept and the chain continues at its target. A name
//   seen twice is a loop and refused; more than `max_chain` links is refused.
//   - qtype CNAME: the CNAME at the QNAME is the answer; a DNAME above it is kept too (it is
//     what the synthesized CNAME is validated by).
//   - qtype ANY: the chain is followed as for any type (so the answer of an upstream that stops
//     at the CNAME and of one that follows it are both kept); at its end every RRset at the name
//     is kept (RFC 8482 minimal answers included).
//   - qtype RRSIG: the RRSIGs owned by the QNAME, whatever they cover, and no chain (a CNAME's
//     owner has RRSIGs of its own, so there is nothing to follow). The cap applies per type
//     covered.
// Authority (proofs for the last name of the chain, its "end"):
//   - SOA: the deepest SOA RRset whose owner is the end or an ancestor of it; all others dropped.
//   - NSEC/NSEC3: owned at or below a proof zone. The proof zone of the end is that SOA's owner;
//     without a SOA (a positive wildcard answer carries none), the deepest signer name of an
//     RRSIG over an authority NSEC/NSEC3 that is the end or an ancestor of it. Also a proof zone:
//     the signer of a kept answer RRSIG showing a wildcard expansion (labels field below the
//     owner's label count, signer enclosing the owner and no deeper than the labels field),
//     because RFC 4035 5.3.4 needs that zone's NSEC/NSEC3 to prove the expansion of an earlier
//     link of a chain (*.a.example CNAME b.example). Signer names are not authenticated here;
//     the validator checks each NSEC/NSEC3 against its own zone's keys (THREATS rule 16).
//   - NS (never needed by a stub), DS and everything else: dropped. A referral (RD=1 was asked;
//     no answer records, NS + glue) therefore keeps only its SOA-based proof, if any: the
//     caller sees an empty answer, which the validator treats as a negative answer to prove.
// Additional: nothing but OPT (ldns keeps it in the packet's EDNS fields; a literal OPT record
//   is kept too); a TSIG (held by ldns beside the sections) is dropped and reported.
// RRSIGs are kept only with a kept RRset of the same section, owner, class and type covered.
//
// Refused (message null, dropped empty) when a section holds more than
// `max_records_per_section` records, when the chain is too long or loops, or when a kept RRset
// has more than `max_rrsigs_per_rrset` RRSIGs.
ScrubResult scrub_answer(const ldns_pkt* reply, const ldns_rdf* qname, ldns_rr_type qtype,
                         const ScrubLimits& limits = {});

}  // namespace vigil::validator
