// Authenticated denial of existence: picks the NSEC or NSEC3 proof of the zone, and turns what it
// proves into a verdict. The proofs themselves live in nsec_proof.cc and nsec3_proof.cc.
#include "validator/denial.h"

#include "validator/nsec3_proof.h"
#include "validator/nsec_proof.h"

namespace vigil::validator {

namespace {

using namespace denial_detail;  // NOLINT(google-build-using-namespace): internal helpers

Verdict missing(std::string detail) {
  return Verdict::bogus(Reason::NsecMissing, std::move(detail));
}

Verdict iterations_too_high(const ldns_rdf* qname, const ValidationPolicy& policy) {
  // RFC 9276 3.2 (EDE 27): above the limit the zone is treated as insecure.
  return Verdict::insecure(Reason::Nsec3IterationsTooHigh,
                           "the NSEC3 records for " + name_text(qname) + " use more than " +
                               std::to_string(policy.max_nsec3_iterations) + " iterations");
}

std::string outside_zone(const ldns_rdf* qname, const ldns_rdf* zone) {
  return name_text(qname) + " is not in the zone " + name_text(zone) + " whose denial was given";
}

// What every proof is given.
struct DenialInput {
  const ldns_rdf* qname;
  const std::vector<const RRset*>& proofs;
  const ldns_rdf* zone;
  const ValidationPolicy& policy;
  WorkBudget& budget;
};

// The shared shape of the three verdict-returning proofs: the zone's NSEC proof if it holds,
// else its NSEC3 proof, else why not. `nsec` returns an NsecResult, `nsec3` a Verdict; `what`
// completes "proves that ... <qname>".
template <typename NsecProof, typename Nsec3Proof>
Verdict prove(const DenialInput& in, NsecProof nsec, Nsec3Proof nsec3, const std::string& what) {
  if (!is_at_or_below(in.qname, in.zone)) return missing(outside_zone(in.qname, in.zone));
  const std::vector<const ldns_rr*> nsecs = nsec_records_in_zone(in.proofs, in.zone);
  std::string nsec_failure;
  if (!nsecs.empty()) {
    NsecResult result = nsec(nsecs);
    if (result.proven) return Verdict::secure();
    nsec_failure = std::move(result.failure);
  }
  Nsec3Chain chain(in.proofs, in.zone, in.policy, in.budget);
  if (chain.has_usable_records()) return nsec3(chain);
  if (chain.has_excess_iterations()) return iterations_too_high(in.qname, in.policy);
  if (!nsec_failure.empty()) return missing(std::move(nsec_failure));
  return missing("no NSEC or NSEC3 of " + name_text(in.zone) + " proves that " + what +
                 name_text(in.qname));
}

// RFC 4035 5.3.4: the wildcard's parent has `rrsig_labels` labels, fewer than qname's, and lies
// inside the zone; otherwise the answer was no wildcard expansion of this zone.
bool is_wildcard_source(const ldns_rdf* qname, uint8_t rrsig_labels, const ldns_rdf* zone) {
  return rrsig_labels < label_count(qname) && rrsig_labels >= label_count(zone);
}

}  // namespace

Verdict prove_nxdomain(const ldns_rdf* qname, const std::vector<const RRset*>& proofs,
                       const ldns_rdf* zone, const ValidationPolicy& policy, WorkBudget& budget) {
  return prove(
      {qname, proofs, zone, policy, budget},
      [&](const std::vector<const ldns_rr*>& nsecs) {
        return nsec_prove_nxdomain(qname, nsecs, zone);
      },
      [&](Nsec3Chain& chain) { return nsec3_prove_nxdomain(qname, chain); }, "nothing exists at ");
}

Verdict prove_nodata(const ldns_rdf* qname, ldns_rr_type qtype,
                     const std::vector<const RRset*>& proofs, const ldns_rdf* zone,
                     const ValidationPolicy& policy, WorkBudget& budget) {
  return prove(
      {qname, proofs, zone, policy, budget},
      [&](const std::vector<const ldns_rr*>& nsecs) {
        return nsec_prove_nodata(qname, qtype, nsecs, zone);
      },
      [&](Nsec3Chain& chain) { return nsec3_prove_nodata(qname, qtype, chain); },
      "no " + type_text(qtype) + " exists at ");
}

Verdict prove_wildcard_expansion(const ldns_rdf* qname, uint8_t rrsig_labels,
                                 const std::vector<const RRset*>& proofs, const ldns_rdf* zone,
                                 const ValidationPolicy& policy, WorkBudget& budget) {
  if (is_at_or_below(qname, zone) && !is_wildcard_source(qname, rrsig_labels, zone)) {
    return missing("an RRSIG with " + std::to_string(rrsig_labels) + " labels is no wildcard of " +
                   name_text(zone) + " that could expand to " + name_text(qname));
  }
  return prove(
      {qname, proofs, zone, policy, budget},
      [&](const std::vector<const ldns_rr*>& nsecs) {
        return nsec_prove_wildcard_expansion(qname, rrsig_labels, nsecs, zone);
      },
      [&](Nsec3Chain& chain) { return nsec3_prove_wildcard_expansion(qname, rrsig_labels, chain); },
      "no closer match than a wildcard exists for ");
}

CutProof prove_no_ds(const ldns_rdf* name, const std::vector<const RRset*>& proofs,
                     const ldns_rdf* zone, const ValidationPolicy& policy, WorkBudget& budget) {
  if (!is_at_or_below(name, zone)) return {CutKind::Unproven, missing(outside_zone(name, zone))};
  const std::vector<const ldns_rr*> nsecs = nsec_records_in_zone(proofs, zone);
  std::string nsec_failure;
  if (!nsecs.empty()) {
    CutFinding finding = nsec_classify_cut(name, nsecs, zone);
    if (finding.kind != CutKind::Unproven) return {finding.kind, Verdict::secure()};
    nsec_failure = std::move(finding.failure);
  }
  Nsec3Chain chain(proofs, zone, policy, budget);
  if (chain.has_usable_records()) return nsec3_classify_cut(name, chain);
  if (chain.has_excess_iterations()) return {CutKind::Unproven, iterations_too_high(name, policy)};
  if (!nsec_failure.empty()) return {CutKind::Unproven, missing(std::move(nsec_failure))};
  return {CutKind::Unproven, missing("no NSEC or NSEC3 of " + name_text(zone) +
                                     " proves that there is no DS at " + name_text(name))};
}

}  // namespace vigil::validator
