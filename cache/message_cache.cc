#include "cache/message_cache.h"

#include <algorithm>
#include <limits>

#include "cache/listing.h"
#include "cache/question_key.h"
#include "dns/dnssec_records.h"
#include "dns/ldns_ptr.h"
#include "dns/message.h"
#include "dns/name.h"
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

// Every record after the question, in order; nullopt if the message is malformed.
std::optional<std::vector<RecordView>> records_of(dns::Bytes wire) {
  if (wire.size() < dns::kHeaderSize) return std::nullopt;
  const auto parsed = dns::parse_message(wire);
  if (!parsed.ok()) return std::nullopt;
  const auto& header = parsed.layout.header;
  const unsigned total = header.ancount + header.nscount + header.arcount;
  std::vector<RecordView> records;
  std::size_t offset = parsed.layout.question_end;
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

void write_u32(uint8_t* p, uint32_t value) {
  p[0] = static_cast<uint8_t>(value >> 24);
  p[1] = static_cast<uint8_t>(value >> 16);
  p[2] = static_cast<uint8_t>(value >> 8);
  p[3] = static_cast<uint8_t>(value);
}

}  // namespace

std::optional<uint32_t> cache_ttl(dns::Bytes wire, const CacheLimits& limits) {
  const auto records = records_of(wire);
  if (!records) return std::nullopt;
  const auto parsed = dns::parse_message(wire);
  const bool negative = parsed.layout.header.ancount == 0 ||
                        parsed.layout.header.rcode() == dns::rcode::NXDOMAIN;
  uint32_t ttl = std::numeric_limits<uint32_t>::max();
  for (const auto& record : *records) {
    if (record.type == dns::rrtype::OPT) continue;
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
  if (ttl == std::numeric_limits<uint32_t>::max()) return 0;
  return std::clamp(ttl, std::min(limits.min_ttl, negative ? limits.max_negative_ttl
                                                           : limits.max_ttl),
                    negative ? limits.max_negative_ttl : limits.max_ttl);
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

namespace {

std::size_t cost(const std::string& key, const CachedAnswer& answer) {
  // The key, the wire form, the TTL offsets, the RRset list and the upstream's name, each on the
  // heap; the plain form (with its control block) and its two vectors likewise.
  std::size_t bytes = kTableEntryBytes + sizeof(CachedAnswer) + 5 * kHeapBlockBytes +
                      key.size() + answer.wire.size() + 2 * answer.ttl_offsets.size() +
                      answer.upstream.size() + answer.rrsets.size() * sizeof(answer.rrsets[0]);
  if (answer.plain_form) {
    bytes += sizeof(PlainForm) + 3 * kHeapBlockBytes + answer.plain_form->wire.size() +
             2 * answer.plain_form->ttl_offsets.size();
  }
  return bytes;
}

bool is_current(const CachedAnswer& answer) {
  for (const auto& rrset : answer.rrsets) {
    if (!rrset->current) return false;
  }
  return true;
}

// The plain form of `wire` at the same TTLs, parsed; nullptr when it has nothing to drop or does
// not parse (then every client gets the answer as it is).
std::shared_ptr<const PlainForm> make_plain_form(dns::Bytes wire, uint16_t qtype) {
  if (!dns::has_dnssec_records(wire, qtype)) return nullptr;
  auto form = std::make_shared<PlainForm>();
  form->wire = dns::without_dnssec_records(wire, qtype);
  const auto parsed = dns::parse_message(form->wire);
  if (!parsed.ok()) return nullptr;
  form->layout = parsed.layout;
  form->ttl_offsets = ttl_offsets(form->wire);
  return form;
}

}  // namespace

bool CachedAnswer::parse_layouts() {
  const auto parsed = dns::parse_message(wire);
  if (!parsed.ok()) return false;
  const auto packed = dns::pack_layout(parsed.layout);
  if (!packed) return false;
  packed_layout = *packed;
  return true;
}

const std::vector<uint8_t>* CachedAnswer::plain() const {
  static const std::vector<uint8_t> kNone;
  return plain_form ? &plain_form->wire : &kNone;
}

void MessageCache::set_limits(const CacheLimits& limits, std::size_t max_bytes) {
  limits_ = limits;
  max_bytes_ = max_bytes;
  entries_.shrink_to(max_bytes_);
}

const CachedAnswer* MessageCache::find(const std::string& key, uint64_t now_ms) {
  auto* slot = entries_.find(key);
  if (slot == nullptr) return nullptr;
  const CachedAnswer& answer = slot->value;
  if (!is_current(answer)) {
    entries_.erase(key);  // an RRset it holds was replaced or evicted: ask again
    return nullptr;
  }
  if (answer.expires_ms <= now_ms) {
    if (now_ms - answer.expires_ms > uint64_t{limits_.stale_max_seconds} * 1000) {
      entries_.erase(key);  // no use even when stale
    }
    return nullptr;
  }
  entries_.touch(*slot);
  return &answer;
}

void MessageCache::store(const std::string& key, dns::Bytes wire, Security security,
                         uint64_t now_ms, const std::string& upstream,
                         std::vector<std::shared_ptr<const CachedRRset>> rrsets) {
  if (max_bytes_ == 0) return;
  const auto ttl = cache_ttl(wire, limits_);
  if (!ttl || *ttl == 0) return;
  const auto parsed = dns::parse_message(wire);
  const uint16_t qtype = parsed.layout.question ? parsed.layout.question->qtype : 0;
  CachedAnswer answer;
  answer.wire.assign(wire.begin(), wire.end());
  answer.plain_form = make_plain_form(wire, qtype);
  answer.ttl_offsets = ttl_offsets(answer.wire);
  answer.security = security;
  answer.stored_ms = now_ms;
  answer.expires_ms = now_ms + uint64_t{*ttl} * 1000;
  answer.original_ttl = *ttl;
  answer.upstream = upstream;
  answer.rrsets = std::move(rrsets);
  if (!answer.parse_layouts()) return;
  const std::size_t bytes = cost(key, answer);
  if (bytes > max_bytes_) return;
  entries_.put(key, std::move(answer), bytes);
  entries_.shrink_to(max_bytes_);
}

std::optional<CachedAnswer> MessageCache::find_stale(const std::string& key,
                                                     uint64_t now_ms) const {
  const auto* slot = entries_.find(key);
  if (slot == nullptr) return std::nullopt;
  const CachedAnswer& entry = slot->value;
  // THREATS rule 13: only data that was validated or proven insecure is served stale.
  if (entry.security == Security::Unchecked || entry.expires_ms > now_ms ||
      now_ms - entry.expires_ms > uint64_t{limits_.stale_max_seconds} * 1000) {
    return std::nullopt;
  }
  CachedAnswer stale = entry;
  stale.stored_ms = now_ms;
  set_ttls(stale.wire, limits_.stale_ttl);
  if (entry.plain_form) {
    const auto layout = stale.layout();
    stale.plain_form = make_plain_form(stale.wire, layout.question ? layout.question->qtype : 0);
  }
  return stale;
}

std::size_t MessageCache::flush_unvalidated_from(const std::string& upstream) {
  return entries_.erase_if([&](const std::string&, const CachedAnswer& answer) {
    return answer.upstream == upstream && answer.security != Security::Secure;
  });
}

std::vector<std::string> MessageCache::listing(const std::string& key, const CachedAnswer& answer,
                                               uint64_t now_ms) const {
  const KeyedQuestion question = keyed_question(key);
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, answer.wire.data(), answer.wire.size()) != LDNS_STATUS_OK) return {};
  const dns::LdnsPkt packet(parsed);
  const dns::LdnsStr type(ldns_rr_type2str(static_cast<ldns_rr_type>(question.qtype)));
  const dns::LdnsStr rcode(ldns_pkt_rcode2str(ldns_pkt_get_rcode(packet.get())));
  std::vector<std::string> lines{
      "; answer " + dns::to_text(question.qname) + " " + type.get() + " " + rcode.get() +
      " security=" + to_string(answer.security) +
      " upstream=" + (answer.upstream.empty() ? "-" : answer.upstream) +
      " ttl=" + std::to_string((answer.expires_ms - now_ms) / 1000)};
  const uint32_t elapsed = answer.age_seconds(now_ms);
  for (const ldns_rr_list* section : {ldns_pkt_answer(packet.get()), ldns_pkt_authority(packet.get())}) {
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
      lines.push_back(record_line(ldns_rr_list_rr(section, i), elapsed));
    }
  }
  return lines;
}

std::vector<std::string> MessageCache::dump(uint64_t now_ms) const {
  return lookup({}, 0, now_ms);
}

std::vector<std::string> MessageCache::lookup(dns::Bytes name, uint16_t qtype,
                                              uint64_t now_ms) const {
  std::vector<std::string> lines;
  entries_.for_each([&](const std::string& key, const CachedAnswer& answer) {
    // An answer built on a replaced RRset is never answered again: not listed either.
    if (answer.expires_ms <= now_ms || !is_current(answer) || !is_named(key, name, qtype, false)) {
      return;
    }
    auto block = listing(key, answer, now_ms);
    lines.insert(lines.end(), block.begin(), block.end());
  });
  return lines;
}

std::size_t MessageCache::flush(dns::Bytes name, bool subtree) {
  return entries_.erase_if(
      [&](const std::string& key, const CachedAnswer&) { return is_named(key, name, 0, subtree); });
}

void MessageCache::clear() { entries_.clear(); }

}  // namespace vigil::cache
