#include "validator/verdict.h"

namespace vigil::validator {

uint16_t ede_code(Reason reason) {
  switch (reason) {
    case Reason::None:
    case Reason::NoTrustAnchor:
    case Reason::NegativeTrustAnchor: return 0;
    case Reason::UnsupportedAlgorithm: return 1;
    case Reason::UnsupportedDigest: return 2;
    case Reason::Nsec3IterationsTooHigh: return 27;
    case Reason::Bogus:
    case Reason::SignatureInvalid:
    case Reason::WorkLimit: return 6;
    case Reason::SignatureExpired: return 7;
    case Reason::SignatureNotYetValid: return 8;
    case Reason::DnskeyMissing: return 9;
    case Reason::RrsigsMissing: return 10;
    case Reason::NoZoneKeyBit: return 11;
    case Reason::NsecMissing: return 12;
  }
  return 6;
}

const char* to_string(Reason reason) {
  switch (reason) {
    case Reason::None: return "none";
    case Reason::NoTrustAnchor: return "no_trust_anchor";
    case Reason::NegativeTrustAnchor: return "negative_trust_anchor";
    case Reason::UnsupportedAlgorithm: return "unsupported_algorithm";
    case Reason::UnsupportedDigest: return "unsupported_digest";
    case Reason::Nsec3IterationsTooHigh: return "nsec3_iterations_too_high";
    case Reason::Bogus: return "bogus";
    case Reason::SignatureInvalid: return "signature_invalid";
    case Reason::SignatureExpired: return "signature_expired";
    case Reason::SignatureNotYetValid: return "signature_not_yet_valid";
    case Reason::DnskeyMissing: return "dnskey_missing";
    case Reason::RrsigsMissing: return "rrsigs_missing";
    case Reason::NoZoneKeyBit: return "no_zone_key_bit";
    case Reason::NsecMissing: return "nsec_missing";
    case Reason::WorkLimit: return "work_limit";
  }
  return "unknown";
}

const char* to_string(Security security) {
  switch (security) {
    case Security::Secure: return "secure";
    case Security::Insecure: return "insecure";
    case Security::Bogus: return "bogus";
    case Security::Indeterminate: return "indeterminate";
  }
  return "unknown";
}

}  // namespace vigil::validator
