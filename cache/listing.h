// What the control tool's cache commands share: which entries a NAME [TYPE] or a subtree
// names, one record as a line of presentation text, and the blocks of lines for one cached
// answer and one cached RRset.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cache/cached_answer.h"
#include "cache/rrset_cache.h"
#include "dns/ldns_ptr.h"
#include "dns/wire.h"

namespace vigil::cache {

// True if `entry_name` (with its type `entry_type`) is `name` (or below it, with `subtree`)
// and, unless `type` is 0, of that type. An empty `name` names every entry.
bool is_named(dns::Bytes entry_name, uint16_t entry_type, dns::Bytes name, uint16_t type,
              bool subtree);

// `rr` in presentation form with its TTL lowered by `elapsed` seconds, without the newline.
std::string record_line(ldns_rr* rr, uint32_t elapsed);

// A comment line with the answer's question, security, source and remaining TTL, then its
// answer and authority records.
std::vector<std::string> answer_listing(const CachedAnswer& answer, const std::string& upstream,
                                        uint64_t now_ms);

// A comment line with the RRset's owner, type, rank, source, remaining TTL and lock, then its
// records and their RRSIGs.
std::vector<std::string> rrset_listing(const CachedRRset& rrset, const std::string& upstream,
                                       uint64_t now_ms);

}  // namespace vigil::cache
