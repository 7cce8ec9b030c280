// The outcome of every validation step (RFC 4033 5): secure, insecure, bogus or indeterminate,
// always with a reason an operator can act on, mapped once to an Extended DNS Error (RFC 8914).
#pragma once

#include <cstdint>
#include <string>

namespace vigil::validator {

enum class Security { Secure, Insecure, Bogus, Indeterminate };

enum class Reason {
  None,                   // secure, or insecure below a proven unsigned delegation
  NoTrustAnchor,          // insecure: the name is under no trust anchor
  NegativeTrustAnchor,    // insecure: the operator said so (RFC 7646)
  UnsupportedAlgorithm,   // insecure by RFC 8624 (EDE 1)
  UnsupportedDigest,      // insecure by RFC 8624 (EDE 2)
  Nsec3IterationsTooHigh, // insecure by RFC 9276 (EDE 27)
  Bogus,                  // a proof failed in a way no other reason names (EDE 6)
  SignatureInvalid,       // no RRSIG verifies (EDE 6)
  SignatureExpired,       // EDE 7
  SignatureNotYetValid,   // EDE 8
  DnskeyMissing,          // no DNSKEY matches the DS or trust anchor (EDE 9)
  RrsigsMissing,          // data of a signed zone without RRSIG (EDE 10)
  NoZoneKeyBit,           // EDE 11
  NsecMissing,            // a denial of existence without its proof (EDE 12)
  WorkLimit,              // KeyTrap and NSEC3 floods: the budget ran out (EDE 6)
};

struct Verdict {
  Security security = Security::Indeterminate;
  Reason reason = Reason::None;
  std::string detail;  // "RRSIG over www.example.test/A expired 2026-11-20T10:00:00Z"

  static Verdict secure() { return {Security::Secure, Reason::None, {}}; }
  static Verdict insecure(Reason reason, std::string detail) {
    return {Security::Insecure, reason, std::move(detail)};
  }
  static Verdict bogus(Reason reason, std::string detail) {
    return {Security::Bogus, reason, std::move(detail)};
  }
  bool is_secure() const { return security == Security::Secure; }
  bool is_insecure() const { return security == Security::Insecure; }
  bool is_bogus() const { return security == Security::Bogus; }
};

// The Extended DNS Error code for the verdict's reason, 0 when there is none (RFC 8914 4).
uint16_t ede_code(Reason reason);
const char* to_string(Reason reason);  // "signature_expired": for logs and security events
const char* to_string(Security security);

}  // namespace vigil::validator
