// The configured trust anchors grouped by owner, as ldns records the validator can match
// DNSKEY RRsets against (RFC 4035 5.2). Built once per configuration.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dns/ldns_ptr.h"
#include "trust-anchors/trust_anchor.h"

namespace vigil::validator {

// RFC 7646: a name (lower-case presentation form) whose answers are not validated.
struct NegativeTrustAnchor {
  std::string name;
  std::optional<int64_t> expires;  // seconds since 1970; none: no expiry
};

class AnchorSet {
 public:
  explicit AnchorSet(const std::vector<anchors::TrustAnchor>& anchors,
                     std::vector<NegativeTrustAnchor> negative = {});

  // The negative trust anchor at or above `name` still in force at `now`, or nullptr.
  const NegativeTrustAnchor* negative_covering(const ldns_rdf* name, int64_t now) const;

  // The deepest anchor at or above `name`, or nullptr: everything else is under no anchor.
  // `zone` receives the anchor's owner key ("." for the root).
  const ldns_rr_list* closest(const ldns_rdf* name, std::string& zone) const;
  bool empty() const { return by_zone_.empty(); }
  // RFC 5011 2.4.2 / THREATS rule 18: a zone whose every key was revoked stays anchored, to
  // nothing: its names are bogus (fail closed), not insecure.
  void keep_anchored(const std::string& zone);

 private:
  std::map<std::string, dns::LdnsRrList> by_zone_;
  std::map<std::string, NegativeTrustAnchor> negative_;
};

}  // namespace vigil::validator
