// Internal to denial.cc: what NSEC records (RFC 4034 4, RFC 4035 5.4, RFC 6840 4.1) prove, and
// the canonical-order name helpers (RFC 4034 6.1) that the NSEC3 proofs share.
#pragma once

#include <string>
#include <vector>

#include "dns/ldns_ptr.h"
#include "validator/denial.h"
#include "validator/rrset.h"

namespace vigil::validator::denial_detail {

// --- Names, compared case-insensitively in canonical order (ldns_dname_compare).
bool is_same_name(const ldns_rdf* a, const ldns_rdf* b);
bool is_at_or_below(const ldns_rdf* name, const ldns_rdf* ancestor);
bool is_strictly_below(const ldns_rdf* name, const ldns_rdf* ancestor);
bool is_root(const ldns_rdf* name);
// The ancestor of `name` made of its rightmost `labels` labels (the root for 0).
dns::LdnsRdf ancestor_with_labels(const ldns_rdf* name, uint8_t labels);
// The longest name that both `a` and `b` are at or below.
dns::LdnsRdf common_ancestor(const ldns_rdf* a, const ldns_rdf* b);
// RFC 4592 2.1.1: the wildcard at `encloser`, "*." + encloser.
dns::LdnsRdf wildcard_at(const ldns_rdf* encloser);
std::string type_text(ldns_rr_type type);

// --- Type bitmaps of NSEC (RFC 4034 4.1.2) and NSEC3 (RFC 5155 3.2.1) records.
bool has_type(const ldns_rr* nsec_or_nsec3, ldns_rr_type type);
// Why the NSEC or NSEC3 `record` for `name` (qname itself, or the wildcard that matched it) does
// not prove that `qname` has no `qtype`; empty when it does.
std::string bitmap_failure(const ldns_rr* record, const ldns_rdf* name, const ldns_rdf* qname,
                           ldns_rr_type qtype);
// The same for the parent-side record at a zone cut answering "name DS": the cut it shows.
struct CutFinding {
  CutKind kind = CutKind::Unproven;
  std::string failure;  // when Unproven
};
CutFinding classify_cut_record(const ldns_rr* record, const ldns_rdf* name);

// --- NSEC records.
// The NSEC records of `proofs` whose owner is at or below `zone`, in order.
std::vector<const ldns_rr*> nsec_records_in_zone(const std::vector<const RRset*>& proofs,
                                                 const ldns_rdf* zone);

struct NsecResult {
  bool proven = false;
  std::string failure;  // why not, naming the query name
};

// RFC 4035 5.4 and 3.1.3.2: `qname` does not exist, and no wildcard could have produced it.
NsecResult nsec_prove_nxdomain(const ldns_rdf* qname, const std::vector<const ldns_rr*>& nsecs,
                               const ldns_rdf* zone);
// RFC 4035 5.4 and 3.1.3.1/3.1.3.4: `qname` exists (or a wildcard matched it) without `qtype`.
NsecResult nsec_prove_nodata(const ldns_rdf* qname, ldns_rr_type qtype,
                             const std::vector<const ldns_rr*>& nsecs, const ldns_rdf* zone);
// RFC 4035 5.3.4: the answer for `qname` was synthesized from the wildcard at the ancestor of
// `source_labels` labels, and no closer name exists.
NsecResult nsec_prove_wildcard_expansion(const ldns_rdf* qname, uint8_t source_labels,
                                         const std::vector<const ldns_rr*>& nsecs,
                                         const ldns_rdf* zone);
// What the NSEC records say about a zone cut at `name` (for a "name DS" query).
CutFinding nsec_classify_cut(const ldns_rdf* name, const std::vector<const ldns_rr*>& nsecs,
                             const ldns_rdf* zone);

}  // namespace vigil::validator::denial_detail
