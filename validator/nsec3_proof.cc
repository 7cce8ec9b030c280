// What NSEC3 records prove (RFC 5155 8): closest encloser, NXDOMAIN, NODATA, DS and opt-out,
// wildcards; hashing bounded by the iteration limit (RFC 9276) and the query's work budget.
#include "validator/nsec3_proof.h"

#include "validator/nsec_proof.h"

namespace vigil::validator::denial_detail {

namespace {

// RFC 5155 8.1: "Validators MUST ignore NSEC3 RRs with unknown hash types." 1 is SHA-1.
constexpr uint8_t kNsec3HashSha1 = 1;
constexpr size_t kSha1Length = 20;
// RFC 5155 8.2: "Validators MUST ignore NSEC3 RRs with a Flag fields value other than zero or
// one" (the Opt-Out flag).
constexpr uint8_t kNsec3KnownFlags = 1;

// RFC 5155 3: the owner is the base32hex hash prepended as a single label to the zone name.
Nsec3Hash decode_owner_hash(const ldns_rdf* owner) {
  const uint8_t* wire = ldns_rdf_data(owner);
  const size_t length = ldns_rdf_size(owner) > 0 ? wire[0] : 0;
  Nsec3Hash hash(length);  // base32 text is longer than the bytes it encodes
  const int decoded = length > 0
                          ? ldns_b32_pton_extended_hex(reinterpret_cast<const char*>(wire + 1),
                                                       length, hash.data(), hash.size())
                          : -1;
  hash.resize(decoded > 0 ? static_cast<size_t>(decoded) : 0);
  return hash;
}

// RFC 5155 3.2: the Next Hashed Owner Name field, a length byte and the hash.
Nsec3Hash next_owner_hash(const ldns_rr* nsec3) {
  const ldns_rdf* next = ldns_rr_rdf(nsec3, 4);
  if (next == nullptr || ldns_rdf_size(next) < 1) return {};
  const uint8_t* data = ldns_rdf_data(next);
  if (data[0] + 1U != ldns_rdf_size(next)) return {};
  return Nsec3Hash(data + 1, data + 1 + data[0]);
}

bool is_opt_out(const Nsec3Record& record) { return ldns_nsec3_optout(record.rr); }

bool has_same_params(const ldns_rr* a, const ldns_rr* b) {
  return ldns_nsec3_algorithm(a) == ldns_nsec3_algorithm(b) &&
         ldns_nsec3_iterations(a) == ldns_nsec3_iterations(b) &&
         ldns_rdf_compare(ldns_rr_rdf(a, 2), ldns_rr_rdf(b, 2)) == 0;
}

// RFC 5155 8.3: "covers": the hash falls strictly between the owner hash and the next hash, the
// last NSEC3 of the chain wrapping around to the first.
bool covers(const Nsec3Record& record, const Nsec3Hash& hash) {
  const Nsec3Hash& owner = record.owner_hash;
  const Nsec3Hash& next = record.next_hash;
  if (owner < next) return owner < hash && hash < next;
  return owner < hash || hash < next;  // the last record (a single record: all but its owner)
}

}  // namespace

Nsec3Chain::Nsec3Chain(const std::vector<const RRset*>& proofs, const ldns_rdf* zone,
                       const ValidationPolicy& policy, WorkBudget& budget)
    : zone_(zone), budget_(budget) {
  unsigned looked_at = 0;
  for (const RRset* rrset : proofs) {
    if (rrset == nullptr || rrset->type() != LDNS_RR_TYPE_NSEC3) continue;
    // The owner of an NSEC3 is <base32hash>.<zone>: it proves only inside that zone.
    const dns::LdnsRdf owner_zone(ldns_dname_left_chop(rrset->owner()));
    if (owner_zone == nullptr || !is_same_name(owner_zone.get(), zone)) continue;
    for (size_t i = 0; i < ldns_rr_list_rr_count(rrset->records.get()); ++i) {
      // policy.max_nsec3_records: a reply stuffed with NSEC3 records must not cost a hash each.
      if (looked_at == policy.max_nsec3_records) return;
      ++looked_at;
      const ldns_rr* rr = ldns_rr_list_rr(rrset->records.get(), i);
      if (ldns_rr_rd_count(rr) < 5 || ldns_nsec3_algorithm(rr) != kNsec3HashSha1 ||
          ldns_nsec3_flags(rr) > kNsec3KnownFlags) {
        continue;
      }
      Nsec3Record record{rr, decode_owner_hash(ldns_rr_owner(rr)), next_owner_hash(rr)};
      if (record.owner_hash.size() != kSha1Length || record.next_hash.size() != kSha1Length) {
        continue;
      }
      // RFC 9276 3.2: validating resolvers MAY treat responses with more iterations than their
      // limit as insecure; such records are never hashed (CVE-2023-50868).
      if (ldns_nsec3_iterations(rr) > policy.max_nsec3_iterations) {
        ++excess_iterations_;
        continue;
      }
      usable_.push_back(std::move(record));
    }
  }
}

const Nsec3Hash* Nsec3Chain::hash(const Nsec3Record& record, const ldns_rdf* name) {
  for (const CachedHash& cached : hashes_) {
    if (has_same_params(cached.params, record.rr) && is_same_name(cached.name.get(), name)) {
      return &cached.hash;
    }
  }
  if (out_of_budget_ || !budget_.spend_nsec3_hash()) {
    out_of_budget_ = true;
    return nullptr;
  }
  const dns::LdnsRdf hashed(ldns_nsec3_hash_name_frm_nsec3(record.rr, name));
  if (hashed == nullptr) return nullptr;
  hashes_.push_back(
      {record.rr, dns::LdnsRdf(ldns_rdf_clone(name)), decode_owner_hash(hashed.get())});
  return &hashes_.back().hash;
}

const Nsec3Record* Nsec3Chain::find_matching(const ldns_rdf* name) {
  for (const Nsec3Record& record : usable_) {
    const Nsec3Hash* hashed = hash(record, name);
    if (out_of_budget_) return nullptr;
    if (hashed != nullptr && *hashed == record.owner_hash) return &record;
  }
  return nullptr;
}

const Nsec3Record* Nsec3Chain::find_covering(const ldns_rdf* name) {
  for (const Nsec3Record& record : usable_) {
    const Nsec3Hash* hashed = hash(record, name);
    if (out_of_budget_) return nullptr;
    if (hashed != nullptr && covers(record, *hashed)) return &record;
  }
  return nullptr;
}

namespace {

Verdict work_limit(const ldns_rdf* qname) {
  return Verdict::bogus(
      Reason::WorkLimit,
      "NSEC3 hash budget ran out while proving the denial for " + name_text(qname));
}

Verdict missing(std::string detail) {
  return Verdict::bogus(Reason::NsecMissing, std::move(detail));
}

struct ClosestEncloser {
  bool proven = false;
  dns::LdnsRdf encloser;
  const Nsec3Record* next_closer_cover = nullptr;
  std::string failure;  // when not proven
};

ClosestEncloser no_encloser(std::string failure) {
  ClosestEncloser result;
  result.failure = std::move(failure);
  return result;
}

// RFC 5155 8.3: the closest encloser proof for `qname` (which must not itself match): the
// longest ancestor with a matching NSEC3, and an NSEC3 covering the next closer name below it.
ClosestEncloser prove_closest_encloser(const ldns_rdf* qname, Nsec3Chain& chain) {
  dns::LdnsRdf next_closer;
  dns::LdnsRdf candidate(ldns_rdf_clone(qname));
  while (candidate != nullptr && is_at_or_below(candidate.get(), chain.zone())) {
    const Nsec3Record* match = chain.find_matching(candidate.get());
    if (chain.is_out_of_budget()) return {};
    if (match != nullptr) {
      if (next_closer == nullptr) {
        return no_encloser("an NSEC3 shows that " + name_text(qname) + " exists");
      }
      // RFC 5155 8.3: "The DNAME type bit must not be set and the NS type bit may only be set
      // if the SOA type bit is set": else the encloser is a cut the zone cannot speak below.
      if (has_type(match->rr, LDNS_RR_TYPE_DNAME) ||
          (has_type(match->rr, LDNS_RR_TYPE_NS) && !has_type(match->rr, LDNS_RR_TYPE_SOA))) {
        return no_encloser("the NSEC3 matching " + name_text(candidate.get()) +
                           " is a zone cut or DNAME and proves nothing below it about " +
                           name_text(qname));
      }
      const Nsec3Record* cover = chain.find_covering(next_closer.get());
      if (chain.is_out_of_budget()) return {};
      if (cover == nullptr) {
        return no_encloser("no NSEC3 covers the next closer name " + name_text(next_closer.get()) +
                           " of " + name_text(qname));
      }
      return {true, std::move(candidate), cover, {}};
    }
    if (is_root(candidate.get())) break;
    next_closer = std::move(candidate);
    candidate.reset(ldns_dname_left_chop(next_closer.get()));
  }
  return no_encloser("no NSEC3 proves a closest encloser of " + name_text(qname));
}

}  // namespace

Verdict nsec3_prove_nxdomain(const ldns_rdf* qname, Nsec3Chain& chain) {
  // RFC 5155 8.4: a closest encloser proof for qname ...
  ClosestEncloser encloser = prove_closest_encloser(qname, chain);
  if (chain.is_out_of_budget()) return work_limit(qname);
  if (!encloser.proven) return missing(std::move(encloser.failure));
  // ... "and the validator MUST verify that there is an NSEC3 RR that covers the wildcard at the
  // closest encloser".
  const dns::LdnsRdf wildcard = wildcard_at(encloser.encloser.get());
  const Nsec3Record* cover = chain.find_covering(wildcard.get());
  if (chain.is_out_of_budget()) return work_limit(qname);
  if (cover == nullptr) {
    const Nsec3Record* match = chain.find_matching(wildcard.get());
    if (chain.is_out_of_budget()) return work_limit(qname);
    return missing(match != nullptr
                       ? "the wildcard " + name_text(wildcard.get()) + " exists, so " +
                             name_text(qname) + " cannot be NXDOMAIN"
                       : "no NSEC3 proves that no wildcard " + name_text(wildcard.get()) +
                             " could have produced " + name_text(qname));
  }
  // RFC 5155 9.2: with Opt-Out on the next closer's NSEC3, qname may lie under an unsigned
  // delegation that the chain does not list: the denial is not secure.
  if (is_opt_out(*encloser.next_closer_cover)) {
    return Verdict::insecure(Reason::None, "an opt-out NSEC3 covers " + name_text(qname) +
                                               ": it may lie under an unsigned delegation");
  }
  return Verdict::secure();
}

Verdict nsec3_prove_nodata(const ldns_rdf* qname, ldns_rr_type qtype, Nsec3Chain& chain) {
  // RFC 5155 8.5/8.6: the NSEC3 matching qname, without qtype and CNAME in its bitmap.
  const Nsec3Record* match = chain.find_matching(qname);
  if (chain.is_out_of_budget()) return work_limit(qname);
  if (match != nullptr) {
    std::string failure = bitmap_failure(match->rr, qname, qname, qtype);
    return failure.empty() ? Verdict::secure() : missing(std::move(failure));
  }
  ClosestEncloser encloser = prove_closest_encloser(qname, chain);
  if (chain.is_out_of_budget()) return work_limit(qname);
  if (!encloser.proven) return missing(std::move(encloser.failure));
  // RFC 5155 8.6: for DS without a matching NSEC3, "the NSEC3 RR that covers the "next closer"
  // name has the Opt-Out bit set": an unsigned delegation, insecure.
  if (qtype == LDNS_RR_TYPE_DS && is_opt_out(*encloser.next_closer_cover)) {
    return Verdict::insecure(Reason::None, "an opt-out NSEC3 covers " + name_text(qname) +
                                               ": an unsigned delegation may be there");
  }
  // RFC 5155 8.7: wildcard NODATA: the NSEC3 matching the wildcard at the closest encloser,
  // without qtype and CNAME.
  const dns::LdnsRdf wildcard = wildcard_at(encloser.encloser.get());
  const Nsec3Record* at_wildcard = chain.find_matching(wildcard.get());
  if (chain.is_out_of_budget()) return work_limit(qname);
  if (at_wildcard == nullptr) {
    return missing("no NSEC3 matches " + name_text(qname) + " or the wildcard " +
                   name_text(wildcard.get()) + " to prove that " + name_text(qname) + "/" +
                   type_text(qtype) + " does not exist");
  }
  std::string failure = bitmap_failure(at_wildcard->rr, wildcard.get(), qname, qtype);
  return failure.empty() ? Verdict::secure() : missing(std::move(failure));
}

Verdict nsec3_prove_wildcard_expansion(const ldns_rdf* qname, uint8_t source_labels,
                                       Nsec3Chain& chain) {
  // RFC 5155 8.8: "the validator MUST verify that there is an NSEC3 RR that covers the "next
  // closer" name to QNAME", the next closer being one label below the wildcard's parent.
  const dns::LdnsRdf next_closer =
      ancestor_with_labels(qname, static_cast<uint8_t>(source_labels + 1));
  const Nsec3Record* cover = chain.find_covering(next_closer.get());
  if (chain.is_out_of_budget()) return work_limit(qname);
  if (cover == nullptr) {
    return missing("no NSEC3 covers the next closer name " + name_text(next_closer.get()) +
                   " to prove that " + name_text(qname) + " itself does not exist");
  }
  if (is_opt_out(*cover)) {
    return Verdict::insecure(Reason::None,
                             "an opt-out NSEC3 covers the next closer name of " + name_text(qname));
  }
  return Verdict::secure();
}

CutProof nsec3_classify_cut(const ldns_rdf* name, Nsec3Chain& chain) {
  const auto unproven = [](Verdict verdict) {
    return CutProof{CutKind::Unproven, std::move(verdict)};
  };
  const Nsec3Record* match = chain.find_matching(name);
  if (chain.is_out_of_budget()) return unproven(work_limit(name));
  if (match != nullptr) {
    CutFinding finding = classify_cut_record(match->rr, name);
    if (finding.kind == CutKind::Unproven) return unproven(missing(std::move(finding.failure)));
    return {finding.kind, Verdict::secure()};
  }
  ClosestEncloser encloser = prove_closest_encloser(name, chain);
  if (chain.is_out_of_budget()) return unproven(work_limit(name));
  if (!encloser.proven) return unproven(missing(std::move(encloser.failure)));
  // RFC 5155 8.6: an opt-out NSEC3 covering the next closer name: an unsigned delegation.
  if (is_opt_out(*encloser.next_closer_cover)) {
    return {CutKind::InsecureDelegation, Verdict::secure()};
  }
  const dns::LdnsRdf wildcard = wildcard_at(encloser.encloser.get());
  const Nsec3Record* wildcard_cover = chain.find_covering(wildcard.get());
  if (chain.is_out_of_budget()) return unproven(work_limit(name));
  if (wildcard_cover != nullptr) return {CutKind::NoSuchName, Verdict::secure()};  // RFC 5155 8.4
  // RFC 5155 8.7: a name that only a wildcard matched is no zone cut.
  const Nsec3Record* at_wildcard = chain.find_matching(wildcard.get());
  if (chain.is_out_of_budget()) return unproven(work_limit(name));
  if (at_wildcard != nullptr &&
      bitmap_failure(at_wildcard->rr, wildcard.get(), name, LDNS_RR_TYPE_DS).empty()) {
    return {CutKind::NotACut, Verdict::secure()};
  }
  return unproven(missing("no NSEC3 proves that no wildcard " + name_text(wildcard.get()) +
                          " could have produced " + name_text(name)));
}

}  // namespace vigil::validator::denial_detail
