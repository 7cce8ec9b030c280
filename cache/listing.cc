#include "cache/listing.h"

#include "cache/question_key.h"
#include "dns/name.h"

namespace vigil::cache {

bool is_named(const std::string& key, dns::Bytes name, uint16_t type, bool subtree) {
  if (name.empty()) return true;
  const KeyedQuestion keyed = keyed_question(key);
  if (type != 0 && keyed.qtype != type) return false;
  return subtree ? dns::is_at_or_below(keyed.qname, name)
                 : dns::equal_ignoring_case(keyed.qname, name);
}

std::string record_line(ldns_rr* rr, uint32_t elapsed) {
  const uint32_t ttl = ldns_rr_ttl(rr);
  ldns_rr_set_ttl(rr, ttl > elapsed ? ttl - elapsed : 0);
  ldns_dname2canonical(ldns_rr_owner(rr));  // the upstream echoed our 0x20 letter case
  const dns::LdnsStr text(ldns_rr2str(rr));
  std::string line = text ? text.get() : "";
  while (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

}  // namespace vigil::cache
