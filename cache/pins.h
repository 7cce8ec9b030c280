// Pinned names (THREATS "Pinned names"): critical service names answered from configuration
// only, for every type, never from the cache or an upstream. Pure: built once per configuration.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "dns/response.h"
#include "dns/wire.h"

namespace vigil::cache {

struct PinnedRecord {
  std::vector<uint8_t> name_wire;  // lower case
  uint16_t type = 0;
  std::vector<uint8_t> rdata;
};

class PinTable {
 public:
  // Pins carry no TTL in the configuration; answers say this (as Unbound's local-data does).
  static constexpr uint32_t kPinTtl = 3600;
  static constexpr unsigned kMaxCnameChain = 11;  // THREATS rule 11, within the pins too

  explicit PinTable(const std::vector<PinnedRecord>& pins = {});

  bool empty() const { return by_name_.empty(); }
  bool is_pinned(dns::Bytes name) const;

  // The records answering (name, type) from the pins: the records of that type; else a pinned
  // CNAME and, when its target is pinned too, the target's answer (and so on); else nothing
  // (NODATA). Only meaningful when is_pinned(name).
  std::vector<dns::LocalRecord> answer(dns::Bytes name, uint16_t type) const;

 private:
  static std::string key(dns::Bytes name);
  std::unordered_map<std::string, std::vector<PinnedRecord>> by_name_;
};

}  // namespace vigil::cache
