// Name helpers the chain of trust needs, on ldns names: ancestry and the walk one label down.
#pragma once

#include <string>

#include "dns/ldns_ptr.h"

namespace vigil::validator {

// The lower-case presentation form, the key of every per-zone table ("example.test.").
std::string name_key(const ldns_rdf* name);

// True if `name` equals `zone` or lies below it (compared case-insensitively).
bool is_at_or_below(const ldns_rdf* name, const ldns_rdf* zone);

// The name one label below `ancestor` on the way to `name` (which must be strictly below it):
// for ancestor "test." and name "www.example.test." that is "example.test.".
dns::LdnsRdf child_toward(const ldns_rdf* ancestor, const ldns_rdf* name);

dns::LdnsRdf name_from_text(const std::string& text);  // nullptr if it does not parse

}  // namespace vigil::validator
