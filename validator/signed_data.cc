#include "validator/signed_data.h"

#include <algorithm>
#include <span>

namespace vigil::validator {

namespace {

constexpr std::size_t kRrsigSignerField = 7;  // RFC 4034 3.1: the fields before it are fixed size
constexpr std::size_t kFixedRecordFields = 10;  // type, class, TTL, RDLENGTH

void append_lowercase(std::vector<uint8_t>& out, const ldns_rdf* name) {
  const uint8_t* data = ldns_rdf_data(name);
  for (std::size_t i = 0; i < ldns_rdf_size(name); ++i) {
    const uint8_t c = data[i];
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<uint8_t>(c + 32) : c);
  }
}

// RFC 4035 5.3.2: "*." and the rightmost `labels` labels of `owner`.
dns::LdnsRdf wildcard_owner(const ldns_rdf* owner, uint8_t labels) {
  dns::LdnsRdf suffix(ldns_rdf_clone(owner));
  while (suffix && ldns_dname_label_count(suffix.get()) > labels) {
    suffix.reset(ldns_dname_left_chop(suffix.get()));
  }
  if (!suffix) return nullptr;
  dns::LdnsRdf star(ldns_dname_new_frm_str("*"));
  return dns::LdnsRdf(star ? ldns_dname_cat_clone(star.get(), suffix.get()) : nullptr);
}

// One record as it is signed: owner (lowercase, or the wildcard), type, class, Original TTL,
// RDLENGTH and RDATA in canonical form (ldns_rr2canonical: RFC 4034 6.2).
std::optional<std::vector<uint8_t>> canonical_record(const ldns_rr* record, uint32_t original_ttl,
                                                     uint8_t rrsig_labels) {
  const dns::LdnsRr copy(ldns_rr_clone(record));
  if (!copy) return std::nullopt;
  ldns_rr_set_ttl(copy.get(), original_ttl);
  const ldns_rdf* owner = ldns_rr_owner(copy.get());
  uint8_t owner_labels = ldns_dname_label_count(owner);
  if (owner_labels > 0 && ldns_dname_is_wildcard(owner)) --owner_labels;  // RFC 4034 3.1.3
  if (rrsig_labels < owner_labels) {
    dns::LdnsRdf wildcard = wildcard_owner(owner, rrsig_labels);
    if (!wildcard) return std::nullopt;
    ldns_rdf* old = ldns_rr_owner(copy.get());
    ldns_rr_set_owner(copy.get(), wildcard.release());
    ldns_rdf_deep_free(old);
  }
  ldns_rr2canonical(copy.get());
  uint8_t* wire = nullptr;
  std::size_t size = 0;
  if (ldns_rr2wire(&wire, copy.get(), LDNS_SECTION_ANSWER, &size) != LDNS_STATUS_OK) {
    return std::nullopt;
  }
  std::vector<uint8_t> bytes(wire, wire + size);
  free(wire);  // NOLINT(cppcoreguidelines-no-malloc): ldns allocates with malloc
  return bytes;
}

}  // namespace

std::optional<std::vector<uint8_t>> signed_data(const ldns_rr_list* records, const ldns_rr* rrsig) {
  if (ldns_rr_rd_count(rrsig) <= kRrsigSignerField + 1) return std::nullopt;
  for (std::size_t i = 0; i <= kRrsigSignerField; ++i) {
    if (ldns_rr_rdf(rrsig, i) == nullptr) return std::nullopt;
  }
  const uint8_t labels = ldns_rdf2native_int8(ldns_rr_rrsig_labels(rrsig));
  const uint32_t original_ttl = ldns_rdf2native_int32(ldns_rr_rrsig_origttl(rrsig));
  std::vector<std::vector<uint8_t>> rendered;
  for (std::size_t i = 0; i < ldns_rr_list_rr_count(records); ++i) {
    auto record = canonical_record(ldns_rr_list_rr(records, i), original_ttl, labels);
    if (!record) return std::nullopt;
    rendered.push_back(std::move(*record));
  }
  if (rendered.empty()) return std::nullopt;
  // Every record now has the same owner, type, class and TTL: only the RDATA differs. It starts
  // after the (uncompressed) owner of any of them and the fixed fields.
  const auto& first = rendered.front();
  std::size_t start = 0;
  while (start < first.size() && first[start] != 0) start += first[start] + 1;
  start += 1 + kFixedRecordFields;
  const auto rdata = [start](const std::vector<uint8_t>& record) {
    return std::span<const uint8_t>(record).subspan(std::min(start, record.size()));
  };
  // RFC 4034 6.3: RDATA as left-justified unsigned octet sequences; duplicates suppressed.
  std::sort(rendered.begin(), rendered.end(), [&rdata](const auto& a, const auto& b) {
    const auto x = rdata(a);
    const auto y = rdata(b);
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
  });
  rendered.erase(std::unique(rendered.begin(), rendered.end()), rendered.end());

  std::vector<uint8_t> out;
  for (std::size_t i = 0; i < kRrsigSignerField; ++i) {
    const ldns_rdf* field = ldns_rr_rdf(rrsig, i);
    out.insert(out.end(), ldns_rdf_data(field), ldns_rdf_data(field) + ldns_rdf_size(field));
  }
  append_lowercase(out, ldns_rr_rrsig_signame(rrsig));
  for (const auto& record : rendered) out.insert(out.end(), record.begin(), record.end());
  return out;
}

}  // namespace vigil::validator
