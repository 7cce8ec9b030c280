#include "validator/rrset.h"

#include <algorithm>
#include <limits>
#include <optional>

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

namespace {

// Letters, digits, '-', '_' and '*': written as they are in every presentation form.
bool is_plain_name_octet(uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '*';
}

// The presentation form of a name whose labels hold only plain octets; nullopt otherwise (ldns
// then writes it, escapes and all). Names are text keys on every validation, and ldns's
// printf-based writer costs ten times this.
std::optional<std::string> plain_name_text(const ldns_rdf* name) {
  if (ldns_rdf_get_type(name) != LDNS_RDF_TYPE_DNAME) return std::nullopt;
  const uint8_t* data = ldns_rdf_data(name);
  const std::size_t size = ldns_rdf_size(name);
  if (size == 1 && data[0] == 0) return ".";
  std::string text;
  text.reserve(size);
  std::size_t offset = 0;
  while (offset < size && data[offset] != 0) {
    const std::size_t length = data[offset];
    if (length > 63 || offset + 1 + length >= size) return std::nullopt;
    for (std::size_t i = offset + 1; i <= offset + length; ++i) {
      if (!is_plain_name_octet(data[i])) return std::nullopt;
      text += static_cast<char>(data[i]);
    }
    text += '.';
    offset += 1 + length;
  }
  if (offset + 1 != size) return std::nullopt;
  return text;
}

}  // namespace

std::string name_text(const ldns_rdf* name) {
  if (name != nullptr) {
    if (auto text = plain_name_text(name)) return std::move(*text);
  }
  char* text = ldns_rdf2str(name);
  std::string result = text != nullptr ? text : "?";
  free(text);  // NOLINT: ldns allocates with malloc
  return result;
}

}  // namespace vigil::validator
