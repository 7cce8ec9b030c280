// What the control tool's cache commands share: which entries a NAME [TYPE] or a subtree
// names, and one record as a line of presentation text.
#pragma once

#include <cstdint>
#include <string>

#include "dns/ldns_ptr.h"
#include "dns/wire.h"

namespace vigil::cache {

// True if the question in `key` (made by question_key) is `name` (or below it, with `subtree`)
// and, unless `type` is 0, of that type. An empty `name` names every key.
bool is_named(const std::string& key, dns::Bytes name, uint16_t type, bool subtree);

// `rr` in presentation form with its TTL lowered by `elapsed` seconds, without the newline.
std::string record_line(ldns_rr* rr, uint32_t elapsed);

}  // namespace vigil::cache
