#include "dns/record_walker.h"

#include <cstring>

namespace vigil::dns {

namespace {

constexpr std::size_t kFixedRecordFields = 10;  // type, class, TTL, RDLENGTH
constexpr unsigned kMaxPointers = 64;             // backwards-only pointers end anyway; be brief

struct Walked {
  std::size_t after;    // past the name where it stands
  PointedRange pointed;  // what it read through pointers
};

// Walks the name at `offset`, calling `label(bytes)` for each label (with its length octet) and
// the root.
template <typename LabelFn>
std::optional<Walked> walk_name(Bytes wire, std::size_t offset, LabelFn&& label) {
  std::size_t pos = offset;
  std::size_t sequence_start = offset;  // where the current run of labels began
  std::optional<std::size_t> after;     // past the name in place: set at the first pointer
  PointedRange pointed;
  std::size_t length = 0;
  unsigned pointers = 0;
  while (true) {
    if (pos >= wire.size()) return std::nullopt;
    const uint8_t octet = wire[pos];
    if ((octet & 0xc0) == 0xc0) {
      if (pos + 2 > wire.size() || ++pointers > kMaxPointers) return std::nullopt;
      const std::size_t target = static_cast<std::size_t>((octet & 0x3f) << 8 | wire[pos + 1]);
      if (target >= sequence_start) return std::nullopt;  // RFC 1035 4.1.4: a prior occurrence
      if (after) {
        pointed.last = std::max(pointed.last, pos + 2);
      } else {
        after = pos + 2;
        pointed.last = target;
      }
      pointed.first = target;  // each pointer goes further back
      pos = sequence_start = target;
      continue;
    }
    if (octet > kMaxLabelLength) return std::nullopt;  // reserved label types
    if (pos + 1 + octet > wire.size()) return std::nullopt;
    length += 1 + octet;
    if (length > kMaxNameLength) return std::nullopt;
    label(wire.subspan(pos, 1 + octet));
    if (after) pointed.last = std::max(pointed.last, pos + 1 + octet);
    if (octet == 0) return Walked{after.value_or(pos + 1), pointed};
    pos += 1 + octet;
  }
}

}  // namespace

std::optional<std::size_t> read_name(Bytes wire, std::size_t offset, WireName& out) {
  out.length = 0;
  const auto walked = walk_name(wire, offset, [&out](Bytes label) {
    std::memcpy(out.bytes.data() + out.length, label.data(), label.size());
    out.length = static_cast<uint8_t>(out.length + label.size());
  });
  if (!walked) return std::nullopt;
  return walked->after;
}

std::optional<PointedRange> pointed_range(Bytes wire, std::size_t offset) {
  const auto walked = walk_name(wire, offset, [](Bytes) {});
  if (!walked) return std::nullopt;
  return walked->pointed;
}

RecordWalker::RecordWalker(Bytes wire, const MessageLayout& layout)
    : wire_(wire),
      offset_(layout.question_end),
      left_{layout.header.ancount, layout.header.nscount, layout.header.arcount} {}

bool RecordWalker::next(WireRecord& record) {
  if (failed_) return false;
  while (section_ < 3 && left_[section_] == 0) ++section_;
  if (section_ == 3) return false;
  const auto after_name = read_name(wire_, offset_, record.owner);
  if (!after_name || *after_name + kFixedRecordFields > wire_.size()) {
    failed_ = true;
    return false;
  }
  const uint8_t* p = wire_.data() + *after_name;
  record.type = read_u16(p);
  record.rclass = read_u16(p + 2);
  record.ttl = read_u32(p + 4);
  record.start = offset_;
  record.rdata = *after_name + kFixedRecordFields;
  record.end = record.rdata + read_u16(p + 8);
  record.section = static_cast<RecordSection>(section_);
  if (record.end > wire_.size()) {
    failed_ = true;
    return false;
  }
  offset_ = record.end;
  --left_[section_];
  return true;
}

}  // namespace vigil::dns
