#include "validator/names.h"

#include "dns/name.h"
#include "validator/rrset.h"

namespace vigil::validator {

std::string name_key(const ldns_rdf* name) {
  std::string text = name_text(name);
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

bool is_at_or_below(const ldns_rdf* name, const ldns_rdf* zone) {
  if (ldns_rdf_get_type(name) != LDNS_RDF_TYPE_DNAME ||
      ldns_rdf_get_type(zone) != LDNS_RDF_TYPE_DNAME) {
    return false;
  }
  // On the wire forms, without ldns_dname_is_subdomain's clones (two per call, on every RRset
  // of every answer): same labels, letters folded (RFC 4343).
  return dns::is_at_or_below({ldns_rdf_data(name), ldns_rdf_size(name)},
                             {ldns_rdf_data(zone), ldns_rdf_size(zone)});
}

dns::LdnsRdf child_toward(const ldns_rdf* ancestor, const ldns_rdf* name) {
  const uint8_t name_labels = ldns_dname_label_count(name);
  const uint8_t ancestor_labels = ldns_dname_label_count(ancestor);
  return dns::LdnsRdf(ldns_dname_clone_from(name, name_labels - ancestor_labels - 1));
}

dns::LdnsRdf name_from_text(const std::string& text) {
  return dns::LdnsRdf(ldns_dname_new_frm_str(text.c_str()));
}

}  // namespace vigil::validator
