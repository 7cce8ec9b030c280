// RFC 9520: answers that failed validation are remembered for a short while, so that a broken
// or attacked zone costs one validation per question per bogus-ttl, not one per client query
// (no validation storms), and clients keep getting SERVFAIL with the same reason.
// Loop-thread only; the clock is passed in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "dns/wire.h"

namespace vigil::cache {

struct BogusAnswer {
  uint16_t ede = 0;
  std::string detail;
};

class BogusCache {
 public:
  // A flood of distinct bogus names must not grow the cache without bound: past this many
  // entries the expired ones are dropped, and if none is, everything.
  static constexpr std::size_t kMaxEntries = 10000;

  // Keys are cache::question_key().
  std::optional<BogusAnswer> find(const std::string& key, uint64_t now_ms) const;
  void store(const std::string& key, BogusAnswer answer, uint64_t now_ms, uint64_t ttl_ms);
  void clear() { entries_.clear(); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    BogusAnswer answer;
    uint64_t expires_ms = 0;
  };
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace vigil::cache
