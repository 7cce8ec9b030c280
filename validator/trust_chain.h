// The chain of trust as a validating stub builds it through its upstream (see
// ../shared/VALIDATING-STUB.md): from the closest trust anchor down to a zone, one label at a
// time, asking "C DS" for each candidate cut and "Z DNSKEY" for each secure zone.
//
// Pure and resumable: the walk never fetches. When it needs an RRset it has not been given, it
// returns a Need; the query task fetches it through the upstream, adds the reply to `fetched`
// and runs the walk again. What it proves on the way goes to `learned`, so a second run (and
// the key cache, later queries) does not prove it again.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "dns/ldns_ptr.h"
#include "validator/anchor_set.h"
#include "validator/policy.h"
#include "validator/public_key_cache.h"
#include "validator/verdict.h"
#include "validator/zone_facts.h"

namespace vigil::validator {

// Starts the detail of a bogus verdict for a trust anchor's own zone: the daemon logs those
// loudly, since every name under the anchor then fails.
inline constexpr const char* kTrustAnchorFailure = "trust anchor failure: ";

// An RRset the walk needs from the upstream: "example.test." DS, or DNSKEY.
struct Need {
  std::string name;  // lower-case presentation form
  ldns_rr_type type = LDNS_RR_TYPE_DNSKEY;
};

// Upstream replies to the walk's Needs, keyed by (name, type). A failed fetch is stored as a
// reply without the RRset (or not at all, for a fetch still to be made).
using Fetched = std::map<std::pair<std::string, uint16_t>, dns::LdnsPkt>;

struct ValidationInput {
  const AnchorSet& anchors;
  const ZoneFacts& cached;  // from the key cache
  ZoneFacts& learned;       // proven in this validation, to be stored in the key cache
  const Fetched& fetched;
  UnixTime now = 0;
  const ValidationPolicy& policy;
  WorkBudget& budget;
  PublicKeyCache* public_keys = nullptr;  // ECDSA keys built once (signature.h); may be null
};

struct ZoneTrust {
  std::optional<Need> need;            // set: fetch this and run again
  Verdict verdict;                     // otherwise: the zone's security
  std::shared_ptr<ldns_rr_list> keys;  // Secure: the zone's validated DNSKEY RRset
  uint32_t ttl = 0;
};

// The security of the zone whose apex is `zone` (an RRSIG's signer name): Secure with its
// validated keys, Insecure (under no anchor, below an insecure delegation, unsupported
// algorithm), or Bogus. Bogus too when `zone` turns out not to be a zone cut.
ZoneTrust zone_trust(const ldns_rdf* zone, ValidationInput& input);

// For data at `name` that came without RRSIGs: Insecure only when an authenticated proof puts
// `name` under no anchor or below an insecure delegation (RFC 4035 5.2, THREATS rule 14);
// otherwise Bogus(RrsigsMissing). Never "assume insecure".
ZoneTrust unsigned_name_trust(const ldns_rdf* name, ValidationInput& input);

}  // namespace vigil::validator
