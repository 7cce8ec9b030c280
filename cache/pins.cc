#include "cache/pins.h"

#include "dns/types.h"

namespace vigil::cache {

PinTable::PinTable(const std::vector<PinnedRecord>& pins) {
  for (const auto& pin : pins) by_name_[key(pin.name_wire)].push_back(pin);
}

std::string PinTable::key(dns::Bytes name) {
  std::string text;
  for (uint8_t c : name) text += static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
  return text;
}

bool PinTable::is_pinned(dns::Bytes name) const { return by_name_.count(key(name)) != 0; }

std::vector<dns::LocalRecord> PinTable::answer(dns::Bytes name, uint16_t type) const {
  std::vector<dns::LocalRecord> records;
  dns::Bytes owner = name;
  bool first = true;
  for (unsigned link = 0; link <= kMaxCnameChain; ++link) {
    const auto found = by_name_.find(key(owner));
    if (found == by_name_.end()) break;
    const PinnedRecord* cname = nullptr;
    bool answered = false;
    for (const auto& pin : found->second) {
      if (pin.type == type) {
        records.push_back({first ? dns::Bytes{} : dns::Bytes(pin.name_wire), pin.type, kPinTtl,
                           pin.rdata});
        answered = true;
      } else if (pin.type == dns::rrtype::CNAME) {
        cname = &pin;
      }
    }
    if (answered || cname == nullptr || type == dns::rrtype::CNAME) break;
    records.push_back({first ? dns::Bytes{} : dns::Bytes(cname->name_wire), cname->type, kPinTtl,
                       cname->rdata});
    owner = cname->rdata;  // a CNAME's RDATA is its target, uncompressed
    first = false;
  }
  return records;
}

}  // namespace vigil::cache
