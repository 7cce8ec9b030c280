#include "validator/denial.h"

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "validator/denial_test_data.h"

using namespace vigil::validator;
using namespace vigil::validator::denial_test_data;
using vigil::dns::LdnsRdf;
using vigil::dns::LdnsRrList;

namespace {

LdnsRdf name(const char* text) { return LdnsRdf(ldns_dname_new_frm_str(text)); }

// The records, as the authority section of a reply grouped into RRsets.
struct Proofs {
  std::vector<RRset> rrsets;
  std::vector<const RRset*> list;
};

Proofs proofs(std::initializer_list<const char*> records) {
  LdnsRrList section(ldns_rr_list_new());
  for (const char* text : records) {
    ldns_rr* rr = nullptr;
    REQUIRE(ldns_rr_new_frm_str(&rr, text, 0, nullptr, nullptr) == LDNS_STATUS_OK);
    ldns_rr_list_push_rr(section.get(), rr);
  }
  Proofs result{group_rrsets(section.get()), {}};
  for (const RRset& rrset : result.rrsets) result.list.push_back(&rrset);
  return result;
}

const LdnsRdf kZone = name("example.test.");
const ValidationPolicy kPolicy;

Verdict nxdomain(const char* qname, const Proofs& given, const char* zone = "example.test.") {
  WorkBudget budget;
  return prove_nxdomain(name(qname).get(), given.list, name(zone).get(), kPolicy, budget);
}

Verdict nodata(const char* qname, ldns_rr_type qtype, const Proofs& given) {
  WorkBudget budget;
  return prove_nodata(name(qname).get(), qtype, given.list, kZone.get(), kPolicy, budget);
}

Verdict wildcard_expansion(const char* qname, uint8_t labels, const Proofs& given) {
  WorkBudget budget;
  return prove_wildcard_expansion(name(qname).get(), labels, given.list, kZone.get(), kPolicy,
                                  budget);
}

CutProof no_ds(const char* qname, const Proofs& given, const char* zone = "example.test.") {
  WorkBudget budget;
  return prove_no_ds(name(qname).get(), given.list, name(zone).get(), kPolicy, budget);
}

// Bogus for a missing or wrong proof, with a detail that names the query name.
void check_missing(const Verdict& verdict, const std::string& qname) {
  CHECK(verdict.is_bogus());
  CHECK(verdict.reason == Reason::NsecMissing);
  CHECK_MESSAGE(verdict.detail.find(qname) != std::string::npos, verdict.detail);
}

void check_unproven(const CutProof& proof, const std::string& qname) {
  CHECK(proof.kind == CutKind::Unproven);
  check_missing(proof.verdict, qname);
}

void check_cut(const CutProof& proof, CutKind kind) {
  CHECK(proof.kind == kind);
  CHECK_MESSAGE(proof.verdict.is_secure(), proof.verdict.detail);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// NSEC: NXDOMAIN

TEST_CASE("RFC 4035 5.4: an NSEC covering the name and one covering the wildcard prove NXDOMAIN") {
  CHECK(nxdomain("d.example.test.", proofs({kNsecC, kNsecApex})).is_secure());
  // Canonical order, not text order: d.example.test. sorts between c and insec.
  CHECK(nxdomain("D.Example.Test.", proofs({kNsecApex, kNsecC})).is_secure());
  // One NSEC may do both: a -> b covers q.a and *.a (closest encloser a.example.test.).
  CHECK(nxdomain("q.a.example.test.", proofs({kNsecA})).is_secure());
}

TEST_CASE("RFC 4034 4.1.1: the last NSEC, whose next name wraps to the apex, covers later names") {
  CHECK(nxdomain("zzz.example.test.", proofs({kNsecXY, kNsecApex})).is_secure());
  CHECK(nxdomain("zzz.x.y.example.test.", proofs({kNsecXY})).is_secure());
}

TEST_CASE("RFC 4035 3.1.3.2: NXDOMAIN without the wildcard proof is bogus") {
  const Verdict verdict = nxdomain("d.example.test.", proofs({kNsecC}));
  check_missing(verdict, "d.example.test.");
  CHECK(verdict.detail.find("*.example.test.") != std::string::npos);
  // The wildcard *.w exists: foo.w.example.test. would have been synthesized from it.
  check_missing(nxdomain("foo.w.example.test.", proofs({kNsecWildcardW})), "foo.w.example.test.");
}

TEST_CASE("RFC 4035 5.4: an NSEC showing that the name exists is no NXDOMAIN proof") {
  check_missing(nxdomain("a.example.test.", proofs({kNsecA, kNsecApex})), "a.example.test.");
  // An empty non-terminal exists too: the NSEC spanning y has next name x.y, below y.
  check_missing(nxdomain("y.example.test.", proofs({kNsecWildcardW, kNsecApex})),
                "y.example.test.");
  check_missing(nxdomain("d.example.test.", proofs({})), "d.example.test.");
}

TEST_CASE("RFC 4035 5.4: an NSEC of another zone proves nothing") {
  // Its owner is outside the zone, though its span covers d.example.test. and the wildcard.
  check_missing(nxdomain("d.example.test.", proofs({kNsecOutsideZone})), "d.example.test.");
  // The right proof, offered for another zone.
  check_missing(nxdomain("d.example.test.", proofs({kNsecC, kNsecApex}), "sec.example.test."),
                "d.example.test.");
}

TEST_CASE("RFC 4035 5.4: an NSEC whose next name leaves the zone covers nothing") {
  check_missing(nxdomain("d.example.test.", proofs({kNsecCLeavingZone, kNsecApex})),
                "d.example.test.");
}

TEST_CASE("RFC 6840 4.1: the parent-side NSEC of a delegation proves nothing below the cut") {
  // insec -> ns spans nope.insec in canonical order, but insec is a zone cut.
  const Verdict below_cut = nxdomain("nope.insec.example.test.", proofs({kNsecInsec, kNsecApex}));
  check_missing(below_cut, "nope.insec.example.test.");
  CHECK(below_cut.detail.find("zone cut") != std::string::npos);
  check_unproven(no_ds("nope.insec.example.test.", proofs({kNsecInsec, kNsecApex})),
                 "nope.insec.example.test.");
  check_missing(nodata("insec.example.test.", LDNS_RR_TYPE_A, proofs({kNsecInsec})),
                "insec.example.test.");
  CHECK(nodata("insec.example.test.", LDNS_RR_TYPE_DS, proofs({kNsecInsec})).is_secure());
}

// ---------------------------------------------------------------------------------------------
// NSEC: NODATA and wildcards

TEST_CASE("RFC 4035 5.4: the NSEC at the name without the type proves NODATA") {
  CHECK(nodata("b.example.test.", LDNS_RR_TYPE_MX, proofs({kNsecB})).is_secure());
  CHECK(nodata("x.y.example.test.", LDNS_RR_TYPE_AAAA, proofs({kNsecXY})).is_secure());
  // DS at a name that exists without it (no zone cut there).
  CHECK(nodata("a.example.test.", LDNS_RR_TYPE_DS, proofs({kNsecA})).is_secure());
}

TEST_CASE("RFC 4035 5.4: NODATA is bogus when the bitmap has the type or a CNAME") {
  const Verdict has_type = nodata("b.example.test.", LDNS_RR_TYPE_TXT, proofs({kNsecB}));
  check_missing(has_type, "b.example.test.");
  CHECK(has_type.detail.find("TXT") != std::string::npos);
  check_missing(nodata("c.example.test.", LDNS_RR_TYPE_A, proofs({kNsecC})), "c.example.test.");
  check_missing(nodata("d.example.test.", LDNS_RR_TYPE_A, proofs({kNsecB})), "d.example.test.");
}

TEST_CASE("RFC 4592 2.2.2: an empty non-terminal has NODATA for every type") {
  CHECK(nodata("y.example.test.", LDNS_RR_TYPE_A, proofs({kNsecWildcardW})).is_secure());
  CHECK(nodata("w.example.test.", LDNS_RR_TYPE_TXT, proofs({kNsecSec})).is_secure());
}

TEST_CASE("RFC 4035 3.1.3.4: wildcard NODATA needs the wildcard's NSEC without the type") {
  CHECK(nodata("foo.w.example.test.", LDNS_RR_TYPE_A, proofs({kNsecWildcardW})).is_secure());
  check_missing(nodata("foo.w.example.test.", LDNS_RR_TYPE_TXT, proofs({kNsecWildcardW})),
                "foo.w.example.test.");
}

TEST_CASE("RFC 4035 5.3.4: a wildcard expansion needs an NSEC proving no closer match") {
  CHECK(wildcard_expansion("foo.w.example.test.", 3, proofs({kNsecWildcardW})).is_secure());
  check_missing(wildcard_expansion("foo.w.example.test.", 3, proofs({kNsecA, kNsecApex})),
                "foo.w.example.test.");
  // The RRSIG claims *.example.test., but the NSEC shows w.example.test. is the closest encloser.
  check_missing(wildcard_expansion("foo.w.example.test.", 2, proofs({kNsecWildcardW})),
                "foo.w.example.test.");
  // Labels not fewer than the name's: no expansion at all.
  check_missing(wildcard_expansion("foo.w.example.test.", 4, proofs({kNsecWildcardW})),
                "foo.w.example.test.");
}

// ---------------------------------------------------------------------------------------------
// NSEC: zone cuts for DS

TEST_CASE("RFC 4035 5.2: an NSEC with NS and without DS proves an insecure delegation") {
  check_cut(no_ds("insec.example.test.", proofs({kNsecInsec})), CutKind::InsecureDelegation);
}

TEST_CASE("RFC 4035 5.4: DS NODATA at a name without NS shows no zone cut") {
  check_cut(no_ds("a.example.test.", proofs({kNsecA})), CutKind::NotACut);
  check_cut(no_ds("y.example.test.", proofs({kNsecWildcardW})), CutKind::NotACut);  // ENT
  check_cut(no_ds("foo.w.example.test.", proofs({kNsecWildcardW})), CutKind::NotACut);
}

TEST_CASE("RFC 4035 5.4: an NXDOMAIN proof for the DS query name shows no such name") {
  check_cut(no_ds("d.example.test.", proofs({kNsecC, kNsecApex})), CutKind::NoSuchName);
  check_unproven(no_ds("d.example.test.", proofs({kNsecC})), "d.example.test.");
}

TEST_CASE("RFC 4035 3.1.4.1: the child's apex NSEC proves nothing about DS") {
  check_unproven(no_ds("sec.example.test.", proofs({kChildNsecApex}), "sec.example.test."),
                 "sec.example.test.");
  check_unproven(no_ds("sec.example.test.", proofs({kChildNsecApex})), "sec.example.test.");
  check_missing(nodata("sec.example.test.", LDNS_RR_TYPE_DS, proofs({kChildNsecApex})),
                "sec.example.test.");
  // DS exists at a secure delegation.
  check_unproven(no_ds("sec.example.test.", proofs({kNsecSec})), "sec.example.test.");
}

// ---------------------------------------------------------------------------------------------
// NSEC3: NXDOMAIN, NODATA, wildcards

TEST_CASE("RFC 5155 8.4: closest encloser proof and a covered wildcard prove NXDOMAIN") {
  // d: closest encloser the apex (e1hf), which also covers the next closer d (hc5p);
  // ubeg covers *.example.test. (v77f).
  CHECK(nxdomain("d.example.test.", proofs({kNsec3Apex, kNsec3WildcardW})).is_secure());
  CHECK(nxdomain("d.example.test.", proofs({kNsec3WildcardW, kNsec3Apex})).is_secure());
}

TEST_CASE("RFC 5155 8.4: NXDOMAIN without the wildcard proof is bogus") {
  check_missing(nxdomain("d.example.test.", proofs({kNsec3Apex})), "d.example.test.");
  check_missing(nxdomain("d.example.test.", proofs({kNsec3WildcardW})), "d.example.test.");
  // b exists.
  check_missing(nxdomain("b.example.test.", proofs({kNsec3B, kNsec3Apex})), "b.example.test.");
  // The wildcard *.w exists: foo.w.example.test. would have been synthesized from it.
  check_missing(nxdomain("foo.w.example.test.", proofs({kNsec3W, kNsec3Y, kNsec3WildcardW})),
                "foo.w.example.test.");
}

TEST_CASE("RFC 5155 8.3: an NSEC3 proves only in the zone it is <hash>.<zone> of") {
  check_missing(nxdomain("d.example.test.", proofs({kNsec3Apex, kNsec3WildcardW}), "test."),
                "d.example.test.");
}

TEST_CASE("RFC 5155 8.1: an NSEC3 with an unknown hash algorithm is ignored") {
  check_missing(nxdomain("d.example.test.", proofs({kNsec3ApexUnknownAlgorithm, kNsec3WildcardW})),
                "d.example.test.");
}

TEST_CASE("RFC 5155 8.3: a closest encloser at a delegation proves nothing below it") {
  check_missing(nxdomain("nope.insec.example.test.", proofs({kNsec3Insec, kNsec3Ns, kNsec3Apex})),
                "nope.insec.example.test.");
  check_missing(nodata("insec.example.test.", LDNS_RR_TYPE_A, proofs({kNsec3Insec})),
                "insec.example.test.");
}

TEST_CASE("RFC 5155 8.5: the matching NSEC3 without the type proves NODATA") {
  CHECK(nodata("b.example.test.", LDNS_RR_TYPE_MX, proofs({kNsec3B})).is_secure());
  CHECK(nodata("y.example.test.", LDNS_RR_TYPE_A, proofs({kNsec3Y})).is_secure());  // ENT
  const Verdict has_type = nodata("b.example.test.", LDNS_RR_TYPE_TXT, proofs({kNsec3B}));
  check_missing(has_type, "b.example.test.");
  CHECK(has_type.detail.find("TXT") != std::string::npos);
  check_missing(nodata("c.example.test.", LDNS_RR_TYPE_A, proofs({kNsec3C})), "c.example.test.");
}

TEST_CASE("RFC 5155 8.7: wildcard NODATA needs the wildcard's NSEC3 without the type") {
  // Closest encloser w (9a26), next closer foo.w (mqm0) covered by koue, wildcard *.w is ubeg.
  CHECK(nodata("foo.w.example.test.", LDNS_RR_TYPE_A, proofs({kNsec3W, kNsec3Y, kNsec3WildcardW}))
            .is_secure());
  check_missing(
      nodata("foo.w.example.test.", LDNS_RR_TYPE_TXT, proofs({kNsec3W, kNsec3Y, kNsec3WildcardW})),
      "foo.w.example.test.");
  check_missing(nodata("foo.w.example.test.", LDNS_RR_TYPE_A, proofs({kNsec3W, kNsec3Y})),
                "foo.w.example.test.");
}

TEST_CASE("RFC 5155 8.8: a wildcard expansion needs an NSEC3 covering the next closer name") {
  CHECK(wildcard_expansion("foo.w.example.test.", 3, proofs({kNsec3Y})).is_secure());
  check_missing(wildcard_expansion("foo.w.example.test.", 3, proofs({kNsec3Apex, kNsec3B})),
                "foo.w.example.test.");
}

// ---------------------------------------------------------------------------------------------
// NSEC3: zone cuts for DS, opt-out

TEST_CASE("RFC 5155 8.6: the matching NSEC3 tells a delegation without DS from a name") {
  check_cut(no_ds("insec.example.test.", proofs({kNsec3Insec})), CutKind::InsecureDelegation);
  check_cut(no_ds("a.example.test.", proofs({kNsec3A})), CutKind::NotACut);
  check_cut(no_ds("y.example.test.", proofs({kNsec3Y})), CutKind::NotACut);  // ENT
  check_cut(no_ds("w.example.test.", proofs({kNsec3W})), CutKind::NotACut);  // ENT
  check_cut(no_ds("foo.w.example.test.", proofs({kNsec3W, kNsec3Y, kNsec3WildcardW})),
            CutKind::NotACut);  // only the wildcard matches
  check_cut(no_ds("d.example.test.", proofs({kNsec3Apex, kNsec3WildcardW})), CutKind::NoSuchName);
  check_unproven(no_ds("sec.example.test.", proofs({kNsec3Sec})), "sec.example.test.");
  check_unproven(no_ds("d.example.test.", proofs({kNsec3Apex})), "d.example.test.");
}

TEST_CASE("RFC 5155 8.6: an opt-out NSEC3 covering the name proves an insecure delegation") {
  check_cut(no_ds("insec.example.test.", proofs({kOptOutApex, kOptOutA})),
            CutKind::InsecureDelegation);
  const Verdict verdict =
      nodata("insec.example.test.", LDNS_RR_TYPE_DS, proofs({kOptOutApex, kOptOutA}));
  CHECK(verdict.is_insecure());
  CHECK(verdict.reason == Reason::None);
  // Without opt-out the same gap would be a plain NXDOMAIN gap, no DS NODATA.
  check_missing(nodata("insec.example.test.", LDNS_RR_TYPE_DS, proofs({kNsec3Apex, kNsec3A})),
                "insec.example.test.");
}

TEST_CASE("RFC 5155 9.2: NXDOMAIN under an opt-out span is insecure") {
  const Verdict verdict = nxdomain("d.example.test.", proofs({kOptOutApex, kOptOutWildcardW}));
  CHECK(verdict.is_insecure());
  CHECK(verdict.reason == Reason::None);
}

TEST_CASE("RFC 4035 3.1.4.1: the child's apex NSEC3 proves nothing about DS") {
  check_unproven(no_ds("sec.example.test.", proofs({kChildNsec3Apex}), "sec.example.test."),
                 "sec.example.test.");
}

// ---------------------------------------------------------------------------------------------
// NSEC3: limits

TEST_CASE("RFC 9276 3.2: NSEC3 above the iteration limit is insecure and never hashed") {
  const Proofs given = proofs({kIter51Apex, kIter51A, kIter51W});
  WorkBudget budget;
  const Verdict verdict =
      prove_nxdomain(name("d.example.test.").get(), given.list, kZone.get(), kPolicy, budget);
  CHECK(verdict.is_insecure());
  CHECK(verdict.reason == Reason::Nsec3IterationsTooHigh);
  CHECK(verdict.detail.find("d.example.test.") != std::string::npos);
  CHECK(budget.nsec3_hashes == WorkBudget{}.nsec3_hashes);
  const CutProof cut =
      prove_no_ds(name("d.example.test.").get(), given.list, kZone.get(), kPolicy, budget);
  CHECK(cut.kind == CutKind::Unproven);
  CHECK(cut.verdict.reason == Reason::Nsec3IterationsTooHigh);

  ValidationPolicy lenient;
  lenient.max_nsec3_iterations = 60;
  CHECK(prove_nxdomain(name("d.example.test.").get(), given.list, kZone.get(), lenient, budget)
            .is_secure());
}

TEST_CASE("CVE-2023-50868: every NSEC3 hash spends the budget; none left is bogus") {
  const Proofs given = proofs({kNsec3Apex, kNsec3WildcardW});
  WorkBudget budget;
  CHECK(prove_nxdomain(name("d.example.test.").get(), given.list, kZone.get(), kPolicy, budget)
            .is_secure());
  CHECK(budget.nsec3_hashes == WorkBudget{}.nsec3_hashes - 3);  // d, example.test., *.example.test.

  WorkBudget empty;
  empty.nsec3_hashes = 0;
  const Verdict verdict =
      prove_nxdomain(name("d.example.test.").get(), given.list, kZone.get(), kPolicy, empty);
  CHECK(verdict.is_bogus());
  CHECK(verdict.reason == Reason::WorkLimit);
  CHECK(verdict.detail.find("d.example.test.") != std::string::npos);

  WorkBudget two;
  two.nsec3_hashes = 2;
  CHECK(
      prove_nxdomain(name("d.example.test.").get(), given.list, kZone.get(), kPolicy, two).reason ==
      Reason::WorkLimit);
  two.nsec3_hashes = 0;
  CHECK(
      prove_no_ds(name("a.example.test.").get(), proofs({kNsec3A}).list, kZone.get(), kPolicy, two)
          .verdict.reason == Reason::WorkLimit);
}

TEST_CASE("CVE-2023-50868: no more than max_nsec3_records NSEC3 records are looked at") {
  ValidationPolicy policy;
  policy.max_nsec3_records = 2;
  WorkBudget budget;
  const Proofs first = proofs({kNsec3Apex, kNsec3WildcardW, kNsec3B, kNsec3C});
  CHECK(prove_nxdomain(name("d.example.test.").get(), first.list, kZone.get(), policy, budget)
            .is_secure());
  const Proofs late = proofs({kNsec3B, kNsec3C, kNsec3Apex, kNsec3WildcardW});
  check_missing(
      prove_nxdomain(name("d.example.test.").get(), late.list, kZone.get(), policy, budget),
      "d.example.test.");
  CHECK(prove_nxdomain(name("d.example.test.").get(), late.list, kZone.get(), kPolicy, budget)
            .is_secure());
}
