#include "validator/answer_validator.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "validator/denial.h"
#include "validator/names.h"
#include "validator/rrset.h"
#include "validator/signature.h"

namespace vigil::validator {

namespace {

// The verdicts of an answer's parts, combined: bogus wins, then insecure, then secure.
class Outcome {
 public:
  void add(const Verdict& verdict, uint32_t ttl) {
    ttl_ = std::min(ttl_, ttl);
    if (verdict.is_bogus() && !verdict_.is_bogus()) verdict_ = verdict;
    if (verdict.is_insecure() && verdict_.is_secure()) verdict_ = verdict;
  }
  AnswerValidation result() const { return {std::nullopt, verdict_, ttl_}; }
  bool is_bogus() const { return verdict_.is_bogus(); }

 private:
  Verdict verdict_ = Verdict::secure();
  uint32_t ttl_ = std::numeric_limits<uint32_t>::max();
};

struct PartCheck {
  std::optional<Need> need;
  Verdict verdict;
  uint32_t ttl = 0;
};

PartCheck from_trust(const ZoneTrust& trust) { return {trust.need, trust.verdict, trust.ttl}; }

// The zones' trust as the first pass found it, for the second pass (see Pass): the walk down
// from the anchor is otherwise done twice per zone and answer. Only settled results are kept; a
// Need ends the validation round anyway.
class TrustMemo {
 public:
  ZoneTrust trust(const ldns_rdf* zone, ValidationInput& input) {
    for (const auto& [name, trust] : settled_) {
      if (ldns_dname_compare(name.get(), zone) == 0) return trust;
    }
    ZoneTrust trust = zone_trust(zone, input);
    if (!trust.need) settled_.emplace_back(dns::LdnsRdf(ldns_rdf_clone(zone)), trust);
    return trust;
  }

 private:
  std::vector<std::pair<dns::LdnsRdf, ZoneTrust>> settled_;
};

const ldns_rdf* signer_of(const RRset& rrset) {
  return ldns_rr_rrsig_signame(ldns_rr_list_rr(rrset.signatures.get(), 0));
}

bool is_denial_type(ldns_rr_type type) {
  return type == LDNS_RR_TYPE_NSEC || type == LDNS_RR_TYPE_NSEC3 || type == LDNS_RR_TYPE_SOA;
}

// True if the RRset belongs to `zone`: signed by it, or (unsigned) owned at or below it.
bool is_from_zone(const RRset& rrset, const ldns_rdf* zone) {
  if (ldns_rr_list_rr_count(rrset.signatures.get()) == 0) return is_at_or_below(rrset.owner(), zone);
  const ldns_rdf* signer = signer_of(rrset);
  return signer != nullptr && ldns_dname_compare(signer, zone) == 0;
}

// The SOA, NSEC and NSEC3 RRsets of the authority section that come from `zone`, each
// validated with its keys. An answer through a CNAME chain may carry proofs of several zones
// (a wildcard proof here, an NXDOMAIN proof there): each is checked with its own zone's keys.
PartCheck validated_proofs(const std::vector<RRset>& authority, const ldns_rdf* zone,
                           const ZoneTrust& trust, ValidationInput& input,
                           std::vector<const RRset*>& proofs) {
  uint32_t ttl = std::numeric_limits<uint32_t>::max();
  for (const auto& rrset : authority) {
    const ldns_rr_type type = rrset.type();
    if (!is_denial_type(type) || !is_from_zone(rrset, zone)) continue;
    const SignatureCheck check =
        verify_rrset(rrset, trust.keys.get(), zone, input.now, input.policy, input.budget,
                     input.public_keys);
    if (!check.verdict.is_secure()) return {std::nullopt, check.verdict, 0};
    if (type != LDNS_RR_TYPE_SOA) proofs.push_back(&rrset);
    ttl = std::min(ttl, check.ttl);
  }
  return {std::nullopt, Verdict::secure(), ttl};
}

// Every fetch round runs the validation again. The first pass of each round only establishes
// the zones the answer depends on (which may need fetches); the signatures over the data are
// checked in a second pass once nothing is missing, so they are checked (and paid for) once.
enum class Pass { KeysOnly, Full };

// RFC 4035 5.3: one RRset of the answer, signed by its zone (or provably insecure).
PartCheck check_rrset(const RRset& rrset, const std::vector<RRset>& authority, Pass pass,
                      ValidationInput& input, TrustMemo& memo) {
  if (ldns_rr_list_rr_count(rrset.signatures.get()) == 0) {
    return from_trust(unsigned_name_trust(rrset.owner(), input));
  }
  const ldns_rdf* signer = signer_of(rrset);
  // RFC 4035 5.3.1: the signer is the zone that holds the RRset, so it encloses the owner.
  if (signer == nullptr || !is_at_or_below(rrset.owner(), signer)) {
    return {std::nullopt,
            Verdict::bogus(Reason::Bogus, "RRSIG over " + rrset.describe() +
                                              " names a signer that does not enclose it"),
            0};
  }
  const ZoneTrust trust = memo.trust(signer, input);
  if (trust.need || !trust.verdict.is_secure() || pass == Pass::KeysOnly) return from_trust(trust);
  const SignatureCheck check =
      verify_rrset(rrset, trust.keys.get(), signer, input.now, input.policy, input.budget,
                   input.public_keys);
  if (!check.verdict.is_secure()) return {std::nullopt, check.verdict, 0};
  uint32_t ttl = std::min(check.ttl, trust.ttl);
  // RFC 4035 5.3.4: fewer RRSIG labels than owner labels: synthesized from a wildcard, so the
  // owner itself must be proven not to exist.
  if (check.rrsig_labels < label_count(rrset.owner())) {
    std::vector<const RRset*> proofs;
    PartCheck signed_proofs = validated_proofs(authority, signer, trust, input, proofs);
    if (!signed_proofs.verdict.is_secure()) return signed_proofs;
    const Verdict expansion = prove_wildcard_expansion(rrset.owner(), check.rrsig_labels, proofs,
                                                       signer, input.policy, input.budget);
    if (!expansion.is_secure()) return {std::nullopt, expansion, 0};
    ttl = std::min(ttl, signed_proofs.ttl);
  }
  return {std::nullopt, Verdict::secure(), ttl};
}

// NXDOMAIN or NODATA for `name`: the SOA and NSEC/NSEC3 of the zone that holds it.
PartCheck check_denial(const ldns_rdf* name, ldns_rr_type qtype, bool nxdomain,
                       const std::vector<RRset>& authority, Pass pass, ValidationInput& input,
                       TrustMemo& memo) {
  // The zone that holds `name`: the deepest signer of a proof that encloses it (other zones'
  // proofs may be there for earlier links of a CNAME chain).
  const RRset* signed_rrset = nullptr;
  for (const auto& rrset : authority) {
    if (!is_denial_type(rrset.type()) || ldns_rr_list_rr_count(rrset.signatures.get()) == 0) {
      continue;
    }
    const ldns_rdf* signer = signer_of(rrset);
    if (signer == nullptr || !is_at_or_below(name, signer)) continue;
    if (signed_rrset == nullptr ||
        ldns_dname_label_count(signer) > ldns_dname_label_count(signer_of(*signed_rrset))) {
      signed_rrset = &rrset;
    }
  }
  if (signed_rrset == nullptr) {
    // No signed proof at all: acceptable only if `name` is provably insecure.
    ZoneTrust trust = unsigned_name_trust(name, input);
    if (trust.verdict.is_bogus() && trust.verdict.reason == Reason::RrsigsMissing) {
      trust.verdict = Verdict::bogus(Reason::NsecMissing, "a negative answer for " +
                                                               name_key(name) +
                                                               " without a signed proof");
    }
    return from_trust(trust);
  }
  const ldns_rdf* zone = signer_of(*signed_rrset);
  if (zone == nullptr || !is_at_or_below(name, zone)) {
    return {std::nullopt,
            Verdict::bogus(Reason::NsecMissing, "the denial for " + name_key(name) +
                                                    " comes from a zone that does not hold it"),
            0};
  }
  const ZoneTrust trust = memo.trust(zone, input);
  if (trust.need || !trust.verdict.is_secure() || pass == Pass::KeysOnly) return from_trust(trust);
  std::vector<const RRset*> proofs;
  PartCheck signed_proofs = validated_proofs(authority, zone, trust, input, proofs);
  if (!signed_proofs.verdict.is_secure()) return signed_proofs;
  const Verdict proof = nxdomain
                            ? prove_nxdomain(name, proofs, zone, input.policy, input.budget)
                            : prove_nodata(name, qtype, proofs, zone, input.policy, input.budget);
  return {std::nullopt, proof, std::min(signed_proofs.ttl, trust.ttl)};
}

const RRset* find_rrset(const std::vector<RRset>& rrsets, const ldns_rdf* owner,
                        ldns_rr_type type) {
  for (const auto& rrset : rrsets) {
    if (rrset.type() == type && ldns_dname_compare(rrset.owner(), owner) == 0) return &rrset;
  }
  return nullptr;
}

// RFC 6672 2.2: the DNAME RRset at an ancestor of `name`, if the answer has one.
const RRset* find_dname(const std::vector<RRset>& rrsets, const ldns_rdf* name) {
  for (const auto& rrset : rrsets) {
    if (rrset.type() == LDNS_RR_TYPE_DNAME && ldns_dname_is_subdomain(name, rrset.owner())) {
      return &rrset;
    }
  }
  return nullptr;
}

// RFC 6672 2.2: the name the DNAME maps `name` to: the labels below the DNAME owner, moved
// under its target.
dns::LdnsRdf dname_substitute(const ldns_rdf* name, const RRset& dname) {
  const ldns_rr* rr = ldns_rr_list_rr(dname.records.get(), 0);
  const uint8_t keep = ldns_dname_label_count(name) - ldns_dname_label_count(dname.owner());
  dns::LdnsRdf result(ldns_rdf_clone(ldns_rr_rdf(rr, 0)));
  for (int i = keep - 1; i >= 0; --i) {
    dns::LdnsRdf label(ldns_dname_label(name, static_cast<uint8_t>(i)));
    dns::LdnsRdf joined(ldns_dname_cat_clone(label.get(), result.get()));
    result = std::move(joined);
  }
  return result;
}

// One pass over the answer's chain (see Pass).
AnswerValidation walk_answer(const ldns_pkt* reply, const std::vector<RRset>& answer,
                             const std::vector<RRset>& authority, const ldns_rdf* qname,
                             ldns_rr_type qtype, Pass pass, ValidationInput& input,
                             TrustMemo& memo) {
  Outcome outcome;
  dns::LdnsRdf name(ldns_rdf_clone(qname));
  for (unsigned link = 0; link <= input.policy.max_cname_chain; ++link) {
    const RRset* data = find_rrset(answer, name.get(), qtype);
    // RFC 6672 2.2: below a DNAME the name has no data of its own; the CNAME beside it is the
    // upstream's unsigned synthesis, so the DNAME is what is validated.
    const RRset* dname = data != nullptr ? nullptr : find_dname(answer, name.get());
    const RRset* cname = data != nullptr || dname != nullptr
                             ? nullptr
                             : find_rrset(answer, name.get(), LDNS_RR_TYPE_CNAME);
    if (data == nullptr && cname == nullptr && dname == nullptr) {
      const bool nxdomain = ldns_pkt_get_rcode(reply) == LDNS_RCODE_NXDOMAIN;
      const PartCheck denial = check_denial(name.get(), qtype, nxdomain, authority, pass, input, memo);
      if (denial.need) return {denial.need, {}, 0};
      outcome.add(denial.verdict, denial.ttl);
      return outcome.result();
    }
    const RRset* part = data != nullptr ? data : (cname != nullptr ? cname : dname);
    const PartCheck check = check_rrset(*part, authority, pass, input, memo);
    if (check.need) return {check.need, {}, 0};
    outcome.add(check.verdict, check.ttl);
    if (outcome.is_bogus() || data != nullptr) return outcome.result();
    if (cname != nullptr) {
      name.reset(ldns_rdf_clone(ldns_rr_rdf(ldns_rr_list_rr(cname->records.get(), 0), 0)));
    } else {
      // RFC 6672 5.3.1: the unsigned synthesized CNAME is taken only as the DNAME dictates; the
      // chain continues at the substituted name whatever CNAME the upstream added.
      name = dname_substitute(name.get(), *dname);
    }
  }
  outcome.add(Verdict::bogus(Reason::Bogus, "CNAME chain longer than " +
                                                std::to_string(input.policy.max_cname_chain)),
              0);
  return outcome.result();
}

}  // namespace

AnswerValidation validate_answer(const ldns_pkt* reply, const ldns_rdf* qname, ldns_rr_type qtype,
                                 ValidationInput& input) {
  const std::vector<RRset> answer = group_rrsets(ldns_pkt_answer(reply));
  const std::vector<RRset> authority = group_rrsets(ldns_pkt_authority(reply));
  TrustMemo memo;
  AnswerValidation keys =
      walk_answer(reply, answer, authority, qname, qtype, Pass::KeysOnly, input, memo);
  if (keys.need) return keys;
  return walk_answer(reply, answer, authority, qname, qtype, Pass::Full, input, memo);
}

}  // namespace vigil::validator
