// What the validator has learned about zones: a secure zone's validated DNSKEY RRset, a proven
// insecure delegation, a bogus zone, or a name proven not to be a zone cut. The key cache
// (cache/key_cache.h) keeps these with their TTLs, so a chain of trust is built once.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "dns/ldns_ptr.h"
#include "validator/verdict.h"

namespace vigil::validator {

enum class ZoneState { Secure, Insecure, Bogus, NotACut };

struct ZoneFact {
  ZoneState state = ZoneState::Bogus;
  std::shared_ptr<ldns_rr_list> keys;  // Secure: the validated DNSKEY RRset (deep-freed)
  Verdict verdict;                     // why: secure, insecure (reason) or bogus (reason)
  uint32_t ttl = 0;                    // seconds this fact may be kept
};

// Keyed by name_key(): "example.test.".
using ZoneFacts = std::map<std::string, ZoneFact>;

std::shared_ptr<ldns_rr_list> share_rr_list(ldns_rr_list* owned);  // deep-frees when last user goes

}  // namespace vigil::validator
