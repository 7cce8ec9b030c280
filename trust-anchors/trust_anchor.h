// Trust anchors (RFC 4033 2, RFC 7958): DS or DNSKEY records the operator trusts without proof,
// from which the validator builds every chain of trust. Pure: text in, checked records out.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::anchors {

struct TrustAnchor {
  std::vector<uint8_t> owner;  // lower-case wire form
  uint16_t type = 0;           // DS or DNSKEY
  uint16_t key_tag = 0;        // RFC 4034 appendix B (from the DS, or computed for a DNSKEY)
  uint8_t algorithm = 0;
  std::vector<uint8_t> rdata;  // wire form
  std::string text;            // as written, for logs
};

// "ORIGIN:LINE: message", where ORIGIN is the file name (or "built-in root anchor").
struct TrustAnchorError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One record per line in zone-file presentation form ("OWNER [TTL] [IN] DS|DNSKEY RDATA");
// ";" starts a comment. Only DS and DNSKEY records with the Zone Key flag (RFC 4034 2.1.1) are
// accepted; a text with no anchor at all is an error. A text that holds a <TrustAnchor> element
// is read as IANA's root-anchors.xml instead (RFC 9718): each <KeyDigest> becomes a DS record;
// those with a validUntil attribute are retired keys and are skipped. Throws TrustAnchorError.
std::vector<TrustAnchor> parse_trust_anchors(std::string_view text, const std::string& origin);

// The root anchors of root_anchor.h, parsed.
std::vector<TrustAnchor> builtin_root_anchors();

}  // namespace vigil::anchors
