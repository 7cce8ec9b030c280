#include "validator/anchor_set.h"

#include <stdexcept>

#include "validator/names.h"

namespace vigil::validator {

AnchorSet::AnchorSet(const std::vector<anchors::TrustAnchor>& anchors,
                     std::vector<NegativeTrustAnchor> negative) {
  for (auto& entry : negative) {
    const std::string key = entry.name;
    negative_[key] = std::move(entry);
  }
  for (const auto& anchor : anchors) {
    ldns_rr* rr = nullptr;
    if (ldns_rr_new_frm_str(&rr, anchor.text.c_str(), 3600, nullptr, nullptr) != LDNS_STATUS_OK) {
      throw std::runtime_error("trust anchor no longer parses: " + anchor.text);  // checked at load
    }
    auto& list = by_zone_[name_key(ldns_rr_owner(rr))];
    if (!list) list.reset(ldns_rr_list_new());
    ldns_rr_list_push_rr(list.get(), rr);
  }
}

void AnchorSet::keep_anchored(const std::string& zone) {
  auto& list = by_zone_[zone];
  if (!list) list.reset(ldns_rr_list_new());
}

const NegativeTrustAnchor* AnchorSet::negative_covering(const ldns_rdf* name, int64_t now) const {
  if (negative_.empty()) return nullptr;
  dns::LdnsRdf cursor(ldns_rdf_clone(name));
  while (cursor) {
    const auto found = negative_.find(name_key(cursor.get()));
    if (found != negative_.end() && (!found->second.expires || now < *found->second.expires)) {
      return &found->second;
    }
    if (ldns_dname_label_count(cursor.get()) == 0) break;
    cursor.reset(ldns_dname_left_chop(cursor.get()));
  }
  return nullptr;
}

const ldns_rr_list* AnchorSet::closest(const ldns_rdf* name, std::string& zone) const {
  // Walk up from the name itself: the first anchor met is the deepest.
  dns::LdnsRdf cursor(ldns_rdf_clone(name));
  while (cursor) {
    const auto found = by_zone_.find(name_key(cursor.get()));
    if (found != by_zone_.end()) {
      zone = found->first;
      return found->second.get();
    }
    if (ldns_dname_label_count(cursor.get()) == 0) break;
    cursor.reset(ldns_dname_left_chop(cursor.get()));
  }
  return nullptr;
}

}  // namespace vigil::validator
