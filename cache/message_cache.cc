#include "cache/message_cache.h"

#include <algorithm>
#include <limits>

#include "dns/message.h"
#include "dns/types.h"

namespace vigil::cache {

namespace {

constexpr std::size_t kFixedRecordFields = 10;  // type, class, TTL, RDLENGTH

struct RecordView {
  std::size_t ttl_offset = 0;
  uint16_t type = 0;
  std::size_t rdata_offset = 0;
  uint16_t rdlength = 0;
  bool in_authority = false;
};

// Every record after the question of `wire` (which `layout` describes), in order; nullopt if
// the message is malformed.
std::optional<std::vector<RecordView>> records_of(dns::Bytes wire, const dns::MessageLayout& layout) {
  const auto& header = layout.header;
  const unsigned total = header.ancount + header.nscount + header.arcount;
  std::vector<RecordView> records;
  records.reserve(total);
  std::size_t offset = layout.question_end;
  for (unsigned i = 0; i < total; ++i) {
    const auto after_name = dns::skip_name(wire, offset);
    if (!after_name || *after_name + kFixedRecordFields > wire.size()) return std::nullopt;
    RecordView view;
    view.type = dns::read_u16(wire.data() + *after_name);
    view.ttl_offset = *after_name + 4;
    view.rdlength = dns::read_u16(wire.data() + *after_name + 8);
    view.rdata_offset = *after_name + kFixedRecordFields;
    view.in_authority = i >= header.ancount && i < header.ancount + header.nscount;
    if (view.rdata_offset + view.rdlength > wire.size()) return std::nullopt;
    records.push_back(view);
    offset = view.rdata_offset + view.rdlength;
  }
  return records;
}

std::optional<std::vector<RecordView>> records_of(dns::Bytes wire) {
  if (wire.size() < dns::kHeaderSize) return std::nullopt;
  const auto parsed = dns::parse_message(wire);
  if (!parsed.ok()) return std::nullopt;
  return records_of(wire, parsed.layout);
}

void write_u32(uint8_t* p, uint32_t value) {
  p[0] = static_cast<uint8_t>(value >> 24);
  p[1] = static_cast<uint8_t>(value >> 16);
  p[2] = static_cast<uint8_t>(value >> 8);
  p[3] = static_cast<uint8_t>(value);
}

}  // namespace

std::optional<uint32_t> cache_ttl(dns::Bytes wire, const CacheLimits& limits) {
  const auto parsed = dns::parse_message(wire);
  if (!parsed.ok()) return std::nullopt;
  const auto plan = ttl_plan(wire, parsed.layout, limits);
  if (!plan) return std::nullopt;
  return plan->ttl;
}

std::optional<TtlPlan> ttl_plan(dns::Bytes wire, const dns::MessageLayout& layout,
                                const CacheLimits& limits) {
  const auto records = records_of(wire, layout);
  if (!records) return std::nullopt;
  TtlPlan plan;
  const bool negative = layout.header.ancount == 0 || layout.header.rcode() == dns::rcode::NXDOMAIN;
  uint32_t ttl = std::numeric_limits<uint32_t>::max();
  plan.ttl_offsets.reserve(records->size());
  for (const auto& record : *records) {
    if (record.type == dns::rrtype::OPT) continue;
    plan.ttl_offsets.push_back(static_cast<uint16_t>(record.ttl_offset));
    const uint32_t record_ttl = dns::read_u32(wire.data() + record.ttl_offset);
    if (negative) {
      // RFC 2308 5: a negative answer lives min(SOA TTL, SOA MINIMUM); without SOA, not at all.
      if (record.type != dns::rrtype::SOA || !record.in_authority || record.rdlength < 4) continue;
      const uint32_t minimum = dns::read_u32(wire.data() + record.rdata_offset + record.rdlength - 4);
      ttl = std::min({ttl, record_ttl, minimum, limits.max_negative_ttl});
    } else {
      ttl = std::min(ttl, record_ttl);
    }
  }
  if (ttl == std::numeric_limits<uint32_t>::max()) {
    plan.ttl = 0;
  } else {
    plan.ttl = std::clamp(ttl, std::min(limits.min_ttl, negative ? limits.max_negative_ttl
                                                                 : limits.max_ttl),
                          negative ? limits.max_negative_ttl : limits.max_ttl);
  }
  return plan;
}

std::vector<uint16_t> ttl_offsets(dns::Bytes wire) {
  std::vector<uint16_t> offsets;
  const auto records = records_of(wire);
  if (!records) return offsets;
  for (const auto& record : *records) {
    if (record.type != dns::rrtype::OPT) offsets.push_back(static_cast<uint16_t>(record.ttl_offset));
  }
  return offsets;
}

void set_ttls(std::vector<uint8_t>& wire, uint32_t ttl) {
  for (const uint16_t offset : ttl_offsets(wire)) write_u32(wire.data() + offset, ttl);
}

void age_ttls(std::span<uint8_t> wire, std::span<const uint16_t> offsets, uint32_t elapsed) {
  if (elapsed == 0) return;
  for (const uint16_t offset : offsets) {
    if (std::size_t{offset} + 4 > wire.size()) continue;
    const uint32_t ttl = dns::read_u32(wire.data() + offset);
    write_u32(wire.data() + offset, ttl > elapsed ? ttl - elapsed : 0);
  }
}

}  // namespace vigil::cache
