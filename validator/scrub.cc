#include "validator/scrub.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <utility>

#include "validator/names.h"
#include "validator/rrset.h"

namespace vigil::validator {

namespace {

// The records of one section of the reply and which of them are kept.
class SectionView {
 public:
  explicit SectionView(const ldns_rr_list* list)
      : list_(list), keep_(list != nullptr ? ldns_rr_list_rr_count(list) : 0, false) {}

  size_t size() const { return keep_.size(); }
  const ldns_rr* rr(size_t i) const { return ldns_rr_list_rr(list_, i); }
  bool is_kept(size_t i) const { return keep_[i]; }
  void keep(size_t i) { keep_[i] = true; }

 private:
  const ldns_rr_list* list_;
  std::vector<bool> keep_;
};

std::string type_text(ldns_rr_type type) {
  char* text = ldns_rr_type2str(type);
  std::string result = text != nullptr ? text : "?";
  free(text);  // NOLINT: ldns allocates with malloc
  return result;
}

// RFC 4034 3.1: the Type Covered field of an RRSIG (0, covering nothing, if it is missing).
ldns_rr_type type_covered(const ldns_rr* rrsig) {
  const ldns_rdf* field = ldns_rr_rrsig_typecovered(rrsig);
  return field != nullptr ? ldns_rdf2rr_type(field) : static_cast<ldns_rr_type>(0);
}

bool is_rrsig(const ldns_rr* rr) { return ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG; }

bool has_owner(const ldns_rr* rr, const ldns_rdf* owner) {
  return ldns_dname_compare(ldns_rr_owner(rr), owner) == 0;  // case-insensitive (0x20)
}

// The name in the first rdata field, if it is one (a CNAME's or DNAME's target).
const ldns_rdf* target_of(const ldns_rr* rr) {
  const ldns_rdf* target = ldns_rr_rd_count(rr) > 0 ? ldns_rr_rdf(rr, 0) : nullptr;
  return target != nullptr && ldns_rdf_get_type(target) == LDNS_RDF_TYPE_DNAME ? target : nullptr;
}

// The data records (not RRSIGs) the chain walk looks at, in the question's class.
bool is_data(const ldns_rr* rr, ldns_rr_class rr_class) {
  return !is_rrsig(rr) && ldns_rr_get_class(rr) == rr_class;
}

// Keeps the RRset of `type` at `owner`; true if there is one. LDNS_RR_TYPE_ANY keeps every
// RRset at `owner` but a CNAME (which the walk follows instead).
bool keep_rrset(SectionView& section, const ldns_rdf* owner, ldns_rr_type type,
                ldns_rr_class rr_class) {
  bool found = false;
  for (size_t i = 0; i < section.size(); ++i) {
    const ldns_rr* rr = section.rr(i);
    if (!is_data(rr, rr_class) || !has_owner(rr, owner)) continue;
    const ldns_rr_type rr_type = ldns_rr_get_type(rr);
    if (rr_type == type || (type == LDNS_RR_TYPE_ANY && rr_type != LDNS_RR_TYPE_CNAME)) {
      section.keep(i);
      found = true;
    }
  }
  if (found && type == LDNS_RR_TYPE_ANY) keep_rrset(section, owner, LDNS_RR_TYPE_CNAME, rr_class);
  return found;
}

const ldns_rr* find_record(const SectionView& section, const ldns_rdf* owner, ldns_rr_type type,
                           ldns_rr_class rr_class) {
  for (size_t i = 0; i < section.size(); ++i) {
    const ldns_rr* rr = section.rr(i);
    if (is_data(rr, rr_class) && ldns_rr_get_type(rr) == type && has_owner(rr, owner)) return rr;
  }
  return nullptr;
}

// RFC 6672 2.2: a DNAME at an ancestor of `name` (the first, as the validator picks it).
const ldns_rr* find_dname(const SectionView& section, const ldns_rdf* name,
                          ldns_rr_class rr_class) {
  for (size_t i = 0; i < section.size(); ++i) {
    const ldns_rr* rr = section.rr(i);
    if (is_data(rr, rr_class) && ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNAME &&
        target_of(rr) != nullptr && ldns_dname_is_subdomain(name, ldns_rr_owner(rr))) {
      return rr;
    }
  }
  return nullptr;
}

// RFC 6672 2.2: the labels of `name` below the DNAME owner, moved under its target; null when
// the result would exceed 255 octets (the server's YXDOMAIN: the chain ends there).
dns::LdnsRdf dname_substitute(const ldns_rdf* name, const ldns_rr* dname) {
  const uint8_t keep = ldns_dname_label_count(name) - ldns_dname_label_count(ldns_rr_owner(dname));
  dns::LdnsRdf result(ldns_rdf_clone(target_of(dname)));
  for (int i = keep - 1; i >= 0 && result != nullptr; --i) {
    dns::LdnsRdf label(ldns_dname_label(name, static_cast<uint8_t>(i)));
    if (label == nullptr) return nullptr;
    result.reset(ldns_dname_cat_clone(label.get(), result.get()));
  }
  if (result != nullptr && ldns_rdf_size(result.get()) > LDNS_MAX_DOMAINLEN) return nullptr;
  return result;
}

struct Chain {
  dns::LdnsRdf end;     // the last name of the chain: where its data or its denial is
  std::string refusal;  // THREATS rule 11: set when the chain is too long or loops
};

// One step: keeps the DNAME + synthesized CNAME, or the CNAME, at `name`; returns the next name
// (null when the chain ends here).
dns::LdnsRdf follow_link(SectionView& answer, const ldns_rdf* name, ldns_rr_class rr_class) {
  if (const ldns_rr* dname = find_dname(answer, name, rr_class)) {
    // RFC 6672 2.2: the DNAME and the CNAME synthesized from it are both kept; the chain goes on
    // at the substitution, whatever target the upstream's CNAME names (RFC 6672 5.3.1).
    keep_rrset(answer, ldns_rr_owner(dname), LDNS_RR_TYPE_DNAME, rr_class);
    keep_rrset(answer, name, LDNS_RR_TYPE_CNAME, rr_class);
    return dname_substitute(name, dname);
  }
  const ldns_rr* cname = find_record(answer, name, LDNS_RR_TYPE_CNAME, rr_class);
  if (cname == nullptr) return nullptr;
  keep_rrset(answer, name, LDNS_RR_TYPE_CNAME, rr_class);
  const ldns_rdf* target = target_of(cname);
  return dns::LdnsRdf(target != nullptr ? ldns_rdf_clone(target) : nullptr);
}

// THREATS rule 9: the CNAME/DNAME chain from the QNAME and the RRset of `qtype` at its end.
Chain keep_chain(SectionView& answer, const ldns_rdf* qname, ldns_rr_type qtype,
                 ldns_rr_class rr_class, unsigned max_chain) {
  dns::LdnsRdf name(ldns_rdf_clone(qname));
  std::set<std::string> seen{name_key(qname)};
  for (unsigned links = 0;; ++links) {
    if (keep_rrset(answer, name.get(), qtype, rr_class)) {
      // The CNAME asked for may be the one a DNAME above it synthesized: keep what proves it.
      const ldns_rr* dname =
          qtype == LDNS_RR_TYPE_CNAME ? find_dname(answer, name.get(), rr_class) : nullptr;
      if (dname != nullptr) keep_rrset(answer, ldns_rr_owner(dname), LDNS_RR_TYPE_DNAME, rr_class);
      return {std::move(name), {}};
    }
    dns::LdnsRdf next = follow_link(answer, name.get(), rr_class);
    if (next == nullptr) return {std::move(name), {}};
    // THREATS rule 11: CNAME chain <= 11 links.
    if (links + 1 > max_chain) {
      return {nullptr, "CNAME chain longer than " + std::to_string(max_chain)};
    }
    if (!seen.insert(name_key(next.get())).second) {
      return {nullptr, "CNAME loop at " + name_text(next.get())};
    }
    name = std::move(next);
  }
}

// For qtype RRSIG: the RRSIGs at the QNAME, the answer itself. THREATS rule 11 per type covered.
std::string keep_rrsigs_at(SectionView& answer, const ldns_rdf* qname, ldns_rr_class rr_class,
                           unsigned max_rrsigs) {
  std::vector<ldns_rr_type> covered;
  for (size_t i = 0; i < answer.size(); ++i) {
    const ldns_rr* rr = answer.rr(i);
    if (!is_rrsig(rr) || ldns_rr_get_class(rr) != rr_class || !has_owner(rr, qname)) continue;
    answer.keep(i);
    covered.push_back(type_covered(rr));
  }
  for (const ldns_rr_type type : covered) {
    const auto count = static_cast<unsigned>(std::count(covered.begin(), covered.end(), type));
    if (count > max_rrsigs) {
      return std::to_string(count) + " RRSIGs over " + name_text(qname) + "/" + type_text(type);
    }
  }
  return {};
}

// The first kept data record of the RRset `rrsig` covers, or size() if none is kept.
size_t covered_rrset(const SectionView& section, const ldns_rr* rrsig) {
  for (size_t j = 0; j < section.size(); ++j) {
    const ldns_rr* rr = section.rr(j);
    if (section.is_kept(j) && !is_rrsig(rr) && ldns_rr_get_type(rr) == type_covered(rrsig) &&
        ldns_rr_get_class(rr) == ldns_rr_get_class(rrsig) && has_owner(rr, ldns_rr_owner(rrsig))) {
      return j;
    }
  }
  return section.size();
}

// RRSIGs go with the RRset they cover (same owner, class, type covered) or not at all: an RRSIG
// over nothing kept proves nothing. THREATS rule 11 (KeyTrap): at most `max_rrsigs` per RRset.
std::string keep_signatures(SectionView& section, unsigned max_rrsigs) {
  std::vector<unsigned> count(section.size(), 0);
  for (size_t i = 0; i < section.size(); ++i) {
    if (!is_rrsig(section.rr(i))) continue;
    const size_t rrset = covered_rrset(section, section.rr(i));
    if (rrset == section.size()) continue;
    section.keep(i);
    ++count[rrset];
  }
  for (size_t j = 0; j < section.size(); ++j) {
    if (count[j] <= max_rrsigs) continue;
    const ldns_rr* rr = section.rr(j);
    return std::to_string(count[j]) + " RRSIGs over " + name_text(ldns_rr_owner(rr)) + "/" +
           type_text(ldns_rr_get_type(rr));
  }
  return {};
}

// Keeps `candidate` in `deepest` if it is deeper (more labels) than what is there.
void keep_deepest(const ldns_rdf*& deepest, const ldns_rdf* candidate) {
  if (deepest == nullptr || ldns_dname_label_count(candidate) > ldns_dname_label_count(deepest)) {
    deepest = candidate;
  }
}

bool is_nsec_type(ldns_rr_type type) {
  return type == LDNS_RR_TYPE_NSEC || type == LDNS_RR_TYPE_NSEC3;
}

// The zone whose denial can speak for `end`: the deepest SOA at or above it (kept), else the
// deepest signer of an NSEC/NSEC3 RRSIG at or above it. Null if neither.
const ldns_rdf* keep_end_zone(SectionView& authority, const ldns_rdf* end, ldns_rr_class rr_class) {
  const ldns_rdf* soa_owner = nullptr;
  const ldns_rdf* signer = nullptr;
  for (size_t i = 0; i < authority.size(); ++i) {
    const ldns_rr* rr = authority.rr(i);
    if (ldns_rr_get_class(rr) != rr_class) continue;
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && is_at_or_below(end, ldns_rr_owner(rr))) {
      keep_deepest(soa_owner, ldns_rr_owner(rr));
    }
    const ldns_rdf* rr_signer = is_rrsig(rr) ? ldns_rr_rrsig_signame(rr) : nullptr;
    if (rr_signer != nullptr && is_nsec_type(type_covered(rr)) && is_at_or_below(end, rr_signer)) {
      keep_deepest(signer, rr_signer);
    }
  }
  if (soa_owner == nullptr) return signer;
  keep_rrset(authority, soa_owner, LDNS_RR_TYPE_SOA, rr_class);
  return soa_owner;
}

// RFC 4035 5.3.4: a kept answer RRSIG whose labels field is below its owner's label count
// shows a wildcard expansion; its signer's NSEC/NSEC3 prove it. The signer must enclose the
// owner and the wildcard's closest encloser (RFC 4034 3.1.3), so it has at most `labels` labels.
std::vector<const ldns_rdf*> wildcard_zones(const SectionView& answer) {
  std::vector<const ldns_rdf*> zones;
  for (size_t i = 0; i < answer.size(); ++i) {
    const ldns_rr* rr = answer.rr(i);
    if (!answer.is_kept(i) || !is_rrsig(rr)) continue;
    const ldns_rdf* labels = ldns_rr_rrsig_labels(rr);
    const ldns_rdf* signer = ldns_rr_rrsig_signame(rr);
    if (labels == nullptr || signer == nullptr || ldns_rdf_size(labels) != 1) continue;
    const uint8_t rrsig_labels = ldns_rdf2native_int8(labels);
    if (rrsig_labels < label_count(ldns_rr_owner(rr)) &&
        ldns_dname_label_count(signer) <= rrsig_labels &&
        is_at_or_below(ldns_rr_owner(rr), signer)) {
      zones.push_back(signer);
    }
  }
  return zones;
}

// THREATS rule 9: the SOA and the NSEC/NSEC3 that can prove a negative answer (or a wildcard
// expansion) for the chain; NS, DS and the rest are dropped. See scrub.h for the zones.
std::string scrub_authority(SectionView& authority, const SectionView& answer, const ldns_rdf* end,
                            ldns_rr_class rr_class, unsigned max_rrsigs) {
  std::vector<const ldns_rdf*> zones = wildcard_zones(answer);
  if (const ldns_rdf* zone = keep_end_zone(authority, end, rr_class)) zones.push_back(zone);
  for (size_t i = 0; i < authority.size(); ++i) {
    const ldns_rr* rr = authority.rr(i);
    if (!is_data(rr, rr_class) || !is_nsec_type(ldns_rr_get_type(rr))) continue;
    for (const ldns_rdf* zone : zones) {
      // THREATS rule 16: NSEC/NSEC3 records prove only within their zone.
      if (is_at_or_below(ldns_rr_owner(rr), zone)) authority.keep(i);
    }
  }
  return keep_signatures(authority, max_rrsigs);
}

// THREATS rule 9: additional records are never used; the OPT is EDNS, not data.
void scrub_additional(SectionView& additional) {
  for (size_t i = 0; i < additional.size(); ++i) {
    if (ldns_rr_get_type(additional.rr(i)) == LDNS_RR_TYPE_OPT) additional.keep(i);
  }
}

// Reports the removed records of `view`, one entry per RRset (RRSIGs as one "RRSIG" entry per
// owner), in order of first appearance; returns the kept records, cloned.
dns::LdnsRrList split_section(const SectionView& view, Section section,
                              std::vector<DroppedRRset>& dropped) {
  dns::LdnsRrList kept(ldns_rr_list_new());
  std::set<std::pair<std::string, ldns_rr_type>> reported;
  for (size_t i = 0; i < view.size(); ++i) {
    const ldns_rr* rr = view.rr(i);
    if (view.is_kept(i)) {
      ldns_rr_list_push_rr(kept.get(), ldns_rr_clone(rr));
    } else if (reported.emplace(name_key(ldns_rr_owner(rr)), ldns_rr_get_type(rr)).second) {
      dropped.push_back({name_text(ldns_rr_owner(rr)), type_text(ldns_rr_get_type(rr)), section});
    }
  }
  return kept;
}

void replace_section(ldns_pkt* pkt, ldns_pkt_section section, dns::LdnsRrList records) {
  const auto count = static_cast<uint16_t>(ldns_rr_list_rr_count(records.get()));
  switch (section) {
    case LDNS_SECTION_ANSWER:
      ldns_rr_list_deep_free(ldns_pkt_answer(pkt));
      ldns_pkt_set_answer(pkt, records.release());
      break;
    case LDNS_SECTION_AUTHORITY:
      ldns_rr_list_deep_free(ldns_pkt_authority(pkt));
      ldns_pkt_set_authority(pkt, records.release());
      break;
    default:
      ldns_rr_list_deep_free(ldns_pkt_additional(pkt));
      ldns_pkt_set_additional(pkt, records.release());
      break;
  }
  ldns_pkt_set_section_count(pkt, section, count);
}

ScrubResult refuse(std::string reason) {
  ScrubResult result;
  result.refused = true;
  result.reason = std::move(reason);
  return result;
}

ldns_rr_class question_class(const ldns_pkt* reply) {
  const ldns_rr_list* question = ldns_pkt_question(reply);
  if (question == nullptr || ldns_rr_list_rr_count(question) == 0) return LDNS_RR_CLASS_IN;
  return ldns_rr_get_class(ldns_rr_list_rr(question, 0));
}

// The reply with only the kept records: header, question, EDNS (and ldns's metadata) copied.
ScrubResult build_result(const ldns_pkt* reply, const SectionView& answer,
                         const SectionView& authority, const SectionView& additional) {
  ScrubResult result;
  dns::LdnsRrList kept_answer = split_section(answer, Section::Answer, result.dropped);
  dns::LdnsRrList kept_authority = split_section(authority, Section::Authority, result.dropped);
  dns::LdnsRrList kept_additional = split_section(additional, Section::Additional, result.dropped);
  result.message.reset(ldns_pkt_clone(reply));
  if (result.message == nullptr) return refuse("out of memory copying the answer");
  ldns_pkt* message = result.message.get();
  replace_section(message, LDNS_SECTION_ANSWER, std::move(kept_answer));
  replace_section(message, LDNS_SECTION_AUTHORITY, std::move(kept_authority));
  replace_section(message, LDNS_SECTION_ADDITIONAL, std::move(kept_additional));
  if (ldns_rr* tsig = ldns_pkt_tsig(message)) {
    // A TSIG travels in the additional section; ldns holds it beside the records.
    result.dropped.push_back({name_text(ldns_rr_owner(tsig)), "TSIG", Section::Additional});
    ldns_rr_free(tsig);
    ldns_pkt_set_tsig(message, nullptr);
  }
  return result;
}

}  // namespace

ScrubResult scrub_answer(const ldns_pkt* reply, const ldns_rdf* qname, ldns_rr_type qtype,
                         const ScrubLimits& limits) {
  if (reply == nullptr || qname == nullptr) return refuse("no answer to scrub");
  SectionView answer(ldns_pkt_answer(reply));
  SectionView authority(ldns_pkt_authority(reply));
  SectionView additional(ldns_pkt_additional(reply));
  // THREATS rule 11: records per section bounded, before any pairwise work.
  const std::pair<const SectionView*, const char*> sections[] = {
      {&answer, "answer"}, {&authority, "authority"}, {&additional, "additional"}};
  for (const auto& [view, section_name] : sections) {
    if (view->size() > limits.max_records_per_section) {
      return refuse("more than " + std::to_string(limits.max_records_per_section) +
                    " records in the " + section_name + " section");
    }
  }
  const ldns_rr_class rr_class = question_class(reply);
  Chain chain;
  std::string refusal;
  if (qtype == LDNS_RR_TYPE_RRSIG) {
    chain.end.reset(ldns_rdf_clone(qname));
    refusal = keep_rrsigs_at(answer, qname, rr_class, limits.max_rrsigs_per_rrset);
  } else {
    chain = keep_chain(answer, qname, qtype, rr_class, limits.max_chain);
    refusal = chain.refusal.empty() ? keep_signatures(answer, limits.max_rrsigs_per_rrset)
                                    : chain.refusal;
  }
  if (!refusal.empty()) return refuse(refusal);
  refusal =
      scrub_authority(authority, answer, chain.end.get(), rr_class, limits.max_rrsigs_per_rrset);
  if (!refusal.empty()) return refuse(refusal);
  scrub_additional(additional);
  return build_result(reply, answer, authority, additional);
}

}  // namespace vigil::validator
