// The configured trust anchors grouped by owner, as ldns records the validator can match
// DNSKEY RRsets against (RFC 4035 5.2). Built once per configuration.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "dns/ldns_ptr.h"
#include "trust-anchors/trust_anchor.h"

namespace vigil::validator {

class AnchorSet {
 public:
  explicit AnchorSet(const std::vector<anchors::TrustAnchor>& anchors);

  // The deepest anchor at or above `name`, or nullptr: everything else is under no anchor.
  // `zone` receives the anchor's owner key ("." for the root).
  const ldns_rr_list* closest(const ldns_rdf* name, std::string& zone) const;
  bool empty() const { return by_zone_.empty(); }

 private:
  std::map<std::string, dns::LdnsRrList> by_zone_;
};

}  // namespace vigil::validator
