// One key for a question in every per-question table (in-flight tasks, answer cache, bogus
// cache): the upstream group it is routed to (THREATS rule 10: one forward zone's answers never
// serve another's), the name folded to lower case, the type and the class.
#pragma once

#include <cstdint>
#include <string>

#include "dns/query.h"
#include "dns/wire.h"

namespace vigil::cache {

inline std::string question_key(uint64_t group_id, dns::Bytes qname, uint16_t qtype,
                                uint16_t qclass) {
  std::string key(reinterpret_cast<const char*>(&group_id), sizeof group_id);
  key.reserve(key.size() + qname.size() + 4);
  for (uint8_t c : qname) key += static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
  key += static_cast<char>(qtype >> 8);
  key += static_cast<char>(qtype & 0xff);
  key += static_cast<char>(qclass >> 8);
  key += static_cast<char>(qclass & 0xff);
  return key;
}

inline std::string question_key(uint64_t group_id, const dns::QueryInfo& query) {
  return question_key(group_id, query.qname.view(), query.qtype, query.qclass);
}

// The parts of a key made by question_key, for listings.
struct KeyedQuestion {
  dns::Bytes qname;
  uint16_t qtype = 0;
  uint16_t qclass = 0;
};

inline KeyedQuestion keyed_question(const std::string& key) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(key.data());
  constexpr std::size_t kGroup = sizeof(uint64_t);
  if (key.size() < kGroup + 5) return {};
  const std::size_t end = key.size();
  return {dns::Bytes(bytes + kGroup, end - kGroup - 4),
          static_cast<uint16_t>(bytes[end - 4] << 8 | bytes[end - 3]),
          static_cast<uint16_t>(bytes[end - 2] << 8 | bytes[end - 1])};
}

}  // namespace vigil::cache
