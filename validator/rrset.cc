#include "validator/rrset.h"

#include <algorithm>
#include <limits>

namespace vigil::validator {

namespace {

bool same_rrset(const ldns_rr* a, const ldns_rr* b) {
  return ldns_rr_get_type(a) == ldns_rr_get_type(b) &&
         ldns_rr_get_class(a) == ldns_rr_get_class(b) &&
         ldns_dname_compare(ldns_rr_owner(a), ldns_rr_owner(b)) == 0;  // case-insensitive
}

// RFC 4034 3.1: the Type Covered field of an RRSIG.
ldns_rr_type type_covered(const ldns_rr* rrsig) {
  const ldns_rdf* field = ldns_rr_rrsig_typecovered(rrsig);
  return field != nullptr ? ldns_rdf2rr_type(field) : static_cast<ldns_rr_type>(0);
}

}  // namespace

uint32_t RRset::ttl() const {
  uint32_t smallest = std::numeric_limits<uint32_t>::max();
  for (size_t i = 0; i < ldns_rr_list_rr_count(records.get()); ++i) {
    smallest = std::min(smallest, ldns_rr_ttl(ldns_rr_list_rr(records.get(), i)));
  }
  return smallest;
}

std::string RRset::describe() const {
  char* type_name = ldns_rr_type2str(type());
  std::string text = name_text(owner()) + "/" + (type_name != nullptr ? type_name : "?");
  free(type_name);  // NOLINT: ldns allocates with malloc
  return text;
}

std::vector<RRset> group_rrsets(const ldns_rr_list* section) {
  std::vector<RRset> rrsets;
  const size_t count = section != nullptr ? ldns_rr_list_rr_count(section) : 0;
  for (size_t i = 0; i < count; ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(section, i);
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG) continue;
    auto found = std::find_if(rrsets.begin(), rrsets.end(), [&](const RRset& rrset) {
      return same_rrset(ldns_rr_list_rr(rrset.records.get(), 0), rr);
    });
    if (found == rrsets.end()) {
      RRset rrset{dns::LdnsRrList(ldns_rr_list_new()), dns::LdnsRrList(ldns_rr_list_new())};
      ldns_rr_list_push_rr(rrset.records.get(), ldns_rr_clone(rr));
      rrsets.push_back(std::move(rrset));
    } else {
      ldns_rr_list_push_rr(found->records.get(), ldns_rr_clone(rr));
    }
  }
  for (size_t i = 0; i < count; ++i) {
    const ldns_rr* rrsig = ldns_rr_list_rr(section, i);
    if (ldns_rr_get_type(rrsig) != LDNS_RR_TYPE_RRSIG) continue;
    for (auto& rrset : rrsets) {
      if (rrset.type() == type_covered(rrsig) &&
          ldns_rr_get_class(rrsig) == ldns_rr_get_class(ldns_rr_list_rr(rrset.records.get(), 0)) &&
          ldns_dname_compare(ldns_rr_owner(rrsig), rrset.owner()) == 0) {
        ldns_rr_list_push_rr(rrset.signatures.get(), ldns_rr_clone(rrsig));
        break;
      }
    }
  }
  return rrsets;
}

uint8_t label_count(const ldns_rdf* name) {
  uint8_t labels = ldns_dname_label_count(name);
  if (labels > 0 && ldns_dname_is_wildcard(name)) --labels;
  return labels;
}

std::string name_text(const ldns_rdf* name) {
  char* text = ldns_rdf2str(name);
  std::string result = text != nullptr ? text : "?";
  free(text);  // NOLINT: ldns allocates with malloc
  return result;
}

}  // namespace vigil::validator
