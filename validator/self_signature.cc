#include "validator/self_signature.h"

namespace vigil::validator {

bool is_self_signed_by(const RRset& dnskeys, const ldns_rr* key, UnixTime now) {
  const uint16_t tag = ldns_calc_keytag(key);
  const auto algorithm = static_cast<uint8_t>(ldns_rdf2native_int8(ldns_rr_rdf(key, 2)));
  const size_t count = ldns_rr_list_rr_count(dnskeys.signatures.get());
  for (size_t i = 0; i < count; ++i) {
    ldns_rr* rrsig = ldns_rr_list_rr(dnskeys.signatures.get(), i);
    if (ldns_rdf2native_int16(ldns_rr_rrsig_keytag(rrsig)) != tag ||
        ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(rrsig)) != algorithm) {
      continue;
    }
    if (ldns_verify_rrsig_time(dnskeys.records.get(), rrsig, const_cast<ldns_rr*>(key),
                               static_cast<time_t>(now)) == LDNS_STATUS_OK) {
      return true;
    }
  }
  return false;
}

}  // namespace vigil::validator
