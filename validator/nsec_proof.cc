// What NSEC records prove (RFC 4034 4, RFC 4035 5.4, RFC 6840 4.1), and the canonical-order
// name helpers shared with the NSEC3 proofs.
#include "validator/nsec_proof.h"

#include <algorithm>
#include <cstdlib>

namespace vigil::validator::denial_detail {

// ---------------------------------------------------------------------------------------------
// Names

bool is_same_name(const ldns_rdf* a, const ldns_rdf* b) { return ldns_dname_compare(a, b) == 0; }

bool is_root(const ldns_rdf* name) { return ldns_dname_label_count(name) == 0; }

dns::LdnsRdf ancestor_with_labels(const ldns_rdf* name, uint8_t labels) {
  const uint8_t count = ldns_dname_label_count(name);
  if (labels == 0) return dns::LdnsRdf(ldns_dname_new_frm_str("."));
  if (labels >= count) return dns::LdnsRdf(ldns_rdf_clone(name));
  return dns::LdnsRdf(ldns_dname_clone_from(name, count - labels));
}

// Not ldns_dname_is_subdomain: it compares labels case-sensitively.
bool is_at_or_below(const ldns_rdf* name, const ldns_rdf* ancestor) {
  const uint8_t ancestor_labels = ldns_dname_label_count(ancestor);
  if (ldns_dname_label_count(name) < ancestor_labels) return false;
  const dns::LdnsRdf cut = ancestor_with_labels(name, ancestor_labels);
  return cut != nullptr && is_same_name(cut.get(), ancestor);
}

bool is_strictly_below(const ldns_rdf* name, const ldns_rdf* ancestor) {
  return ldns_dname_label_count(name) > ldns_dname_label_count(ancestor) &&
         is_at_or_below(name, ancestor);
}

dns::LdnsRdf common_ancestor(const ldns_rdf* a, const ldns_rdf* b) {
  uint8_t labels = std::min(ldns_dname_label_count(a), ldns_dname_label_count(b));
  for (;; --labels) {
    dns::LdnsRdf candidate = ancestor_with_labels(a, labels);
    if (labels == 0 || is_at_or_below(b, candidate.get())) return candidate;
  }
}

dns::LdnsRdf wildcard_at(const ldns_rdf* encloser) {
  const dns::LdnsRdf star(ldns_dname_new_frm_str("*"));
  return dns::LdnsRdf(ldns_dname_cat_clone(star.get(), encloser));
}

std::string type_text(ldns_rr_type type) {
  char* text = ldns_rr_type2str(type);
  std::string result = text != nullptr ? text : "?";
  free(text);  // NOLINT: ldns allocates with malloc
  return result;
}

// ---------------------------------------------------------------------------------------------
// Type bitmaps

bool has_type(const ldns_rr* record, ldns_rr_type type) {
  const ldns_rdf* bitmap = ldns_rr_get_type(record) == LDNS_RR_TYPE_NSEC3 ? ldns_rr_rdf(record, 5)
                                                                          : ldns_rr_rdf(record, 1);
  return bitmap != nullptr && ldns_rdf_get_type(bitmap) == LDNS_RDF_TYPE_BITMAP &&
         ldns_nsec_bitmap_covers_type(bitmap, type);
}

namespace {

std::string record_at(const ldns_rr* record, const ldns_rdf* name) {
  return (ldns_rr_get_type(record) == LDNS_RR_TYPE_NSEC3 ? "the NSEC3 matching " : "the NSEC at ") +
         name_text(name);
}

}  // namespace

std::string bitmap_failure(const ldns_rr* record, const ldns_rdf* name, const ldns_rdf* qname,
                           ldns_rr_type qtype) {
  const bool is_cut = has_type(record, LDNS_RR_TYPE_NS) && !has_type(record, LDNS_RR_TYPE_SOA);
  if (qtype == LDNS_RR_TYPE_DS) {
    // RFC 4035 3.1.4.1: "The DS resource record type is unusual in that it appears only on the
    // parent zone's side of a zone cut": the child's apex record (SOA set) says nothing about it.
    // The root has no parent, so its apex record is the one to ask.
    if (has_type(record, LDNS_RR_TYPE_SOA) && !is_root(name)) {
      return record_at(record, name) + " is the child zone's apex record, but DS for " +
             name_text(qname) + " lives in the parent zone";
    }
  } else if (is_cut) {
    // RFC 6840 4.1: an NSEC/NSEC3 with NS set and SOA clear comes from the parent side of a zone
    // cut and MUST NOT be used to assume nonexistence of any RR types other than DS.
    return record_at(record, name) + " is the parent side of a zone cut and proves nothing about " +
           name_text(qname) + "/" + type_text(qtype);
  }
  // RFC 4035 5.4 / RFC 5155 8.5: the bitmap must lack the query type and CNAME.
  if (has_type(record, qtype)) {
    return record_at(record, name) + " shows that type " + type_text(qtype) + " exists for " +
           name_text(qname);
  }
  if (has_type(record, LDNS_RR_TYPE_CNAME)) {
    return record_at(record, name) + " shows a CNAME for " + name_text(qname);
  }
  return {};
}

CutFinding classify_cut_record(const ldns_rr* record, const ldns_rdf* name) {
  std::string failure = bitmap_failure(record, name, name, LDNS_RR_TYPE_DS);
  if (!failure.empty()) return {CutKind::Unproven, std::move(failure)};
  // RFC 4035 5.2: an authenticated proof that no DS RRset exists at a delegation (NS, no DS)
  // makes the child an insecure delegation. A name without NS is no zone cut at all.
  return {has_type(record, LDNS_RR_TYPE_NS) ? CutKind::InsecureDelegation : CutKind::NotACut, {}};
}

// ---------------------------------------------------------------------------------------------
// NSEC

namespace {

const ldns_rdf* next_name(const ldns_rr* nsec) {
  const ldns_rdf* next = ldns_rr_rdf(nsec, 0);
  return next != nullptr && ldns_rdf_get_type(next) == LDNS_RDF_TYPE_DNAME ? next : nullptr;
}

// The NSEC whose owner is `name`.
const ldns_rr* find_nsec_at(const std::vector<const ldns_rr*>& nsecs, const ldns_rdf* name) {
  for (const ldns_rr* nsec : nsecs) {
    if (is_same_name(ldns_rr_owner(nsec), name)) return nsec;
  }
  return nullptr;
}

// Does `nsec` place `name` strictly between its owner and its next name in canonical order
// (RFC 4034 6.1)? Not ldns_nsec_covers_name: it counts the owner itself as covered and does not
// know the zone.
bool spans(const ldns_rr* nsec, const ldns_rdf* name, const ldns_rdf* zone) {
  const ldns_rdf* owner = ldns_rr_owner(nsec);
  const ldns_rdf* next = next_name(nsec);
  // An NSEC proves only inside its own zone: one whose next name leaves the zone proves nothing
  // past the zone's end, so it is not used to span anything.
  if (next == nullptr || !is_at_or_below(next, zone)) return false;
  if (ldns_dname_compare(owner, name) >= 0) return false;
  if (ldns_dname_compare(owner, next) < 0) return ldns_dname_compare(name, next) < 0;
  // RFC 4034 4.1.1: the last NSEC of a zone names the apex as its next name (and a zone whose
  // only name is the apex has one NSEC pointing at itself): it spans every later name.
  return is_same_name(next, zone);
}

// An NSEC at an ancestor of `name` that marks a delegation or a DNAME cannot speak for `name`.
bool is_misused_above(const ldns_rr* nsec, const ldns_rdf* name) {
  if (!is_strictly_below(name, ldns_rr_owner(nsec))) return false;
  // RFC 6840 4.1: the parent-side NSEC (NS set, SOA clear) MUST NOT be used to assume
  // nonexistence of "all RRs below that owner name regardless of type"; RFC 6672 5.3.2 says the
  // same of names below a DNAME.
  return has_type(nsec, LDNS_RR_TYPE_DNAME) ||
         (has_type(nsec, LDNS_RR_TYPE_NS) && !has_type(nsec, LDNS_RR_TYPE_SOA));
}

// RFC 4035 5.4: the NSEC proving that `name` does not exist: it spans `name`, and its next name is
// not below `name` (that would make `name` an empty non-terminal, which exists).
const ldns_rr* find_nsec_covering(const std::vector<const ldns_rr*>& nsecs, const ldns_rdf* name,
                                  const ldns_rdf* zone) {
  for (const ldns_rr* nsec : nsecs) {
    if (spans(nsec, name, zone) && !is_strictly_below(next_name(nsec), name) &&
        !is_misused_above(nsec, name)) {
      return nsec;
    }
  }
  return nullptr;
}

// An NSEC that spans `name` but, being a zone cut or DNAME above it, may not speak for it.
const ldns_rr* find_nsec_misused_above(const std::vector<const ldns_rr*>& nsecs,
                                       const ldns_rdf* name, const ldns_rdf* zone) {
  for (const ldns_rr* nsec : nsecs) {
    if (spans(nsec, name, zone) && is_misused_above(nsec, name)) return nsec;
  }
  return nullptr;
}

// RFC 4592 2.2.2: an empty non-terminal exists but owns no NSEC; the NSEC spanning it has a next
// name below it.
const ldns_rr* find_nsec_empty_non_terminal(const std::vector<const ldns_rr*>& nsecs,
                                            const ldns_rdf* name, const ldns_rdf* zone) {
  for (const ldns_rr* nsec : nsecs) {
    if (spans(nsec, name, zone) && is_strictly_below(next_name(nsec), name) &&
        !is_misused_above(nsec, name)) {
      return nsec;
    }
  }
  return nullptr;
}

// RFC 4035 5.4 / RFC 4592 3.3.1: the closest encloser of a name that `covering` proves
// nonexistent is the longest ancestor it shares with the NSEC's owner or next name (those exist).
dns::LdnsRdf closest_encloser(const ldns_rdf* name, const ldns_rr* covering) {
  dns::LdnsRdf by_owner = common_ancestor(name, ldns_rr_owner(covering));
  dns::LdnsRdf by_next = common_ancestor(name, next_name(covering));
  return ldns_dname_label_count(by_owner.get()) >= ldns_dname_label_count(by_next.get())
             ? std::move(by_owner)
             : std::move(by_next);
}

std::string nothing_proves(const char* what, const ldns_rdf* name) {
  return std::string("no NSEC proves that ") + what + name_text(name);
}

}  // namespace

std::vector<const ldns_rr*> nsec_records_in_zone(const std::vector<const RRset*>& proofs,
                                                 const ldns_rdf* zone) {
  std::vector<const ldns_rr*> nsecs;
  for (const RRset* rrset : proofs) {
    if (rrset == nullptr || rrset->type() != LDNS_RR_TYPE_NSEC) continue;
    // An NSEC proves only inside its own zone: its owner must be at or below the zone.
    if (!is_at_or_below(rrset->owner(), zone)) continue;
    for (size_t i = 0; i < ldns_rr_list_rr_count(rrset->records.get()); ++i) {
      const ldns_rr* nsec = ldns_rr_list_rr(rrset->records.get(), i);
      if (next_name(nsec) != nullptr) nsecs.push_back(nsec);
    }
  }
  return nsecs;
}

NsecResult nsec_prove_nxdomain(const ldns_rdf* qname, const std::vector<const ldns_rr*>& nsecs,
                               const ldns_rdf* zone) {
  // RFC 4035 3.1.3.2: an NSEC proving that there is no exact match for qname.
  const ldns_rr* covering = find_nsec_covering(nsecs, qname, zone);
  if (covering == nullptr) {
    if (find_nsec_at(nsecs, qname) != nullptr ||
        find_nsec_empty_non_terminal(nsecs, qname, zone) != nullptr) {
      return {false, "an NSEC shows that " + name_text(qname) + " exists"};
    }
    if (const ldns_rr* cut = find_nsec_misused_above(nsecs, qname, zone)) {
      return {false, "the NSEC at " + name_text(ldns_rr_owner(cut)) +
                         " is a zone cut or DNAME and proves nothing below it about " +
                         name_text(qname)};
    }
    return {false, nothing_proves("nothing exists at ", qname)};
  }
  // RFC 4035 3.1.3.2: and an NSEC proving that the zone contains no RRsets that would match qname
  // via wildcard name expansion: none at the closest encloser's wildcard (one NSEC may do both).
  const dns::LdnsRdf encloser = closest_encloser(qname, covering);
  const dns::LdnsRdf wildcard = wildcard_at(encloser.get());
  if (find_nsec_covering(nsecs, wildcard.get(), zone) != nullptr) return {true, {}};
  if (find_nsec_at(nsecs, wildcard.get()) != nullptr) {
    return {false, "the wildcard " + name_text(wildcard.get()) + " exists, so " + name_text(qname) +
                       " cannot be NXDOMAIN"};
  }
  return {false, nothing_proves("no wildcard ", wildcard.get()) + " could have produced " +
                     name_text(qname)};
}

NsecResult nsec_prove_nodata(const ldns_rdf* qname, ldns_rr_type qtype,
                             const std::vector<const ldns_rr*>& nsecs, const ldns_rdf* zone) {
  // RFC 4035 5.4 / 3.1.3.1: the NSEC at qname, its bitmap without qtype and CNAME.
  if (const ldns_rr* at = find_nsec_at(nsecs, qname)) {
    std::string failure = bitmap_failure(at, qname, qname, qtype);
    return {failure.empty(), std::move(failure)};
  }
  // An empty non-terminal has no type at all.
  if (find_nsec_empty_non_terminal(nsecs, qname, zone) != nullptr) return {true, {}};
  // RFC 4035 3.1.3.4: wildcard NODATA: qname does not exist, and the NSEC at the wildcard of its
  // closest encloser lacks qtype and CNAME.
  const ldns_rr* covering = find_nsec_covering(nsecs, qname, zone);
  if (covering == nullptr) {
    return {false, nothing_proves("", qname) + " has no " + type_text(qtype)};
  }
  const dns::LdnsRdf wildcard = wildcard_at(closest_encloser(qname, covering).get());
  const ldns_rr* at_wildcard = find_nsec_at(nsecs, wildcard.get());
  if (at_wildcard == nullptr) {
    return {false, "an NSEC shows that " + name_text(qname) + " does not exist, and no NSEC at " +
                       name_text(wildcard.get()) + " proves that the wildcard lacks " +
                       type_text(qtype)};
  }
  std::string failure = bitmap_failure(at_wildcard, wildcard.get(), qname, qtype);
  return {failure.empty(), std::move(failure)};
}

NsecResult nsec_prove_wildcard_expansion(const ldns_rdf* qname, uint8_t source_labels,
                                         const std::vector<const ldns_rr*>& nsecs,
                                         const ldns_rdf* zone) {
  // RFC 4035 3.1.3.3 and 5.3.4: an NSEC proving that qname has no exact match and no closer
  // match than the wildcard: it covers qname, and its closest encloser is the wildcard's parent.
  const ldns_rr* covering = find_nsec_covering(nsecs, qname, zone);
  if (covering == nullptr) {
    return {false, nothing_proves("", qname) + " itself does not exist (wildcard expansion)"};
  }
  const dns::LdnsRdf encloser = closest_encloser(qname, covering);
  const dns::LdnsRdf source = ancestor_with_labels(qname, source_labels);
  if (!is_same_name(encloser.get(), source.get())) {
    return {false, "the NSEC covering " + name_text(qname) + " shows the closest encloser " +
                       name_text(encloser.get()) + ", but the answer came from the wildcard at " +
                       name_text(source.get())};
  }
  return {true, {}};
}

CutFinding nsec_classify_cut(const ldns_rdf* name, const std::vector<const ldns_rr*>& nsecs,
                             const ldns_rdf* zone) {
  if (const ldns_rr* at = find_nsec_at(nsecs, name)) return classify_cut_record(at, name);
  if (find_nsec_empty_non_terminal(nsecs, name, zone) != nullptr) return {CutKind::NotACut, {}};
  NsecResult nxdomain = nsec_prove_nxdomain(name, nsecs, zone);
  if (nxdomain.proven) return {CutKind::NoSuchName, {}};
  // A name that only a wildcard matched is no zone cut: its DS NODATA is a wildcard NODATA.
  if (nsec_prove_nodata(name, LDNS_RR_TYPE_DS, nsecs, zone).proven) {
    return {CutKind::NotACut, {}};
  }
  return {CutKind::Unproven, std::move(nxdomain.failure)};
}

}  // namespace vigil::validator::denial_detail
