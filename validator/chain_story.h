// The chain of trust behind a name, as an operator reads it (`vigilctl explain`): from the
// trust anchor down to the zone that holds the name, each zone cut with what was proven about
// it — its validated keys (tag, algorithm, KSK or ZSK), or why it is insecure or bogus. Pure:
// reads what the validation and the key cache learned.
#pragma once

#include <string>
#include <vector>

#include "dns/ldns_ptr.h"
#include "validator/anchor_set.h"
#include "validator/zone_facts.h"

namespace vigil::validator {

// One line per zone from the anchor (or the root) down to `name`; `learned` wins over `cached`
// for a zone both know. Names that are proven not to be zone cuts are left out.
std::vector<std::string> chain_story(const ldns_rdf* name, const AnchorSet& anchors,
                                     const ZoneFacts& cached, const ZoneFacts& learned);

// "20326/alg8 KSK, 53140/alg8 ZSK": the key tags and algorithms of a DNSKEY RRset.
std::string describe_keys(const ldns_rr_list* keys);

}  // namespace vigil::validator
