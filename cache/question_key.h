// One key for a question in every per-question table (in-flight tasks, answer cache, bogus
// cache): the upstream group it is routed to (THREATS rule 10: one forward zone's answers never
// serve another's), the name folded to lower case, the type and the class.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
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

// A question as the per-question tables take it without building a key.
struct Question {
  uint64_t group_id = 0;
  dns::Bytes qname;  // any letter case
  uint16_t qtype = 0;
  uint16_t qclass = 0;
};

inline Question question_of(uint64_t group_id, const dns::QueryInfo& query) {
  return {group_id, query.qname.view(), query.qtype, query.qclass};
}

// The question of a key made by question_key (its name points into `key`); nullopt if `key`
// was not made by question_key.
inline std::optional<Question> question_of(const std::string& key) {
  const KeyedQuestion keyed = keyed_question(key);
  if (keyed.qname.empty()) return std::nullopt;
  Question question{0, keyed.qname, keyed.qtype, keyed.qclass};
  std::memcpy(&question.group_id, key.data(), sizeof question.group_id);
  return question;
}

}  // namespace vigil::cache
