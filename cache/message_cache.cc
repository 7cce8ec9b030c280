#include "cache/message_cache.h"

#include <algorithm>
#include <limits>

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

void set_ttls(std::vector<uint8_t>& wire, uint32_t ttl) {
  const auto records = records_of(wire);
  if (!records) return;
  for (const auto& record : *records) {
    if (record.type != dns::rrtype::OPT) write_u32(wire.data() + record.ttl_offset, ttl);
  }
}

void age_ttls(std::vector<uint8_t>& wire, uint32_t elapsed) {
  const auto records = records_of(wire);
  if (!records) return;
  for (const auto& record : *records) {
    if (record.type == dns::rrtype::OPT) continue;
    const uint32_t ttl = dns::read_u32(wire.data() + record.ttl_offset);
    write_u32(wire.data() + record.ttl_offset, ttl > elapsed ? ttl - elapsed : 0);
  }
}

std::optional<CachedAnswer> MessageCache::find(const std::string& key, uint64_t now_ms) {
  const auto found = entries_.find(key);
  if (found == entries_.end()) return std::nullopt;
  if (found->second.answer.expires_ms <= now_ms) {
    if (now_ms - found->second.answer.expires_ms > kMaxStaleMs) {  // no use even when stale
      recency_.erase(found->second.recency);
      entries_.erase(found);
    }
    return std::nullopt;
  }
  recency_.splice(recency_.begin(), recency_, found->second.recency);
  CachedAnswer answer = found->second.answer;
  const auto elapsed = static_cast<uint32_t>((now_ms - answer.stored_ms) / 1000);
  age_ttls(answer.wire, elapsed);
  age_ttls(answer.plain, elapsed);
  return answer;
}

void MessageCache::store(const std::string& key, dns::Bytes wire, Security security,
                         uint64_t now_ms, const std::string& upstream) {
  if (limits_.max_entries == 0) return;
  const auto ttl = cache_ttl(wire, limits_);
  if (!ttl || *ttl == 0) return;
  if (auto found = entries_.find(key); found != entries_.end()) {
    recency_.erase(found->second.recency);
    entries_.erase(found);
  }
  while (entries_.size() >= limits_.max_entries && !recency_.empty()) {
    entries_.erase(recency_.back());
    recency_.pop_back();
  }
  recency_.push_front(key);
  const auto parsed = dns::parse_message(wire);
  const uint16_t qtype = parsed.layout.question ? parsed.layout.question->qtype : 0;
  entries_[key] = Entry{CachedAnswer{std::vector<uint8_t>(wire.begin(), wire.end()),
                                     dns::without_dnssec_records(wire, qtype), security, now_ms,
                                     now_ms + uint64_t{*ttl} * 1000, upstream},
                        recency_.begin()};
}

std::optional<CachedAnswer> MessageCache::find_stale(const std::string& key,
                                                     uint64_t now_ms) const {
  const auto found = entries_.find(key);
  if (found == entries_.end()) return std::nullopt;
  const CachedAnswer& entry = found->second.answer;
  // THREATS rule 13: only data that was validated or proven insecure is served stale.
  if (entry.security == Security::Unchecked || entry.expires_ms > now_ms ||
      now_ms - entry.expires_ms > kMaxStaleMs) {
    return std::nullopt;
  }
  CachedAnswer stale = entry;
  set_ttls(stale.wire, kStaleTtl);
  set_ttls(stale.plain, kStaleTtl);
  return stale;
}

std::size_t MessageCache::flush_unvalidated_from(const std::string& upstream) {
  std::size_t flushed = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.answer.upstream == upstream && it->second.answer.security != Security::Secure) {
      recency_.erase(it->second.recency);
      it = entries_.erase(it);
      ++flushed;
    } else {
      ++it;
    }
  }
  return flushed;
}

const char* to_string(Security security) {
  switch (security) {
    case Security::Secure: return "secure";
    case Security::Insecure: return "insecure";
    case Security::Unchecked: break;
  }
  return "unchecked";
}

std::vector<std::string> MessageCache::listing(const std::string& key, const Entry& entry,
                                               uint64_t now_ms) const {
  const CachedAnswer& answer = entry.answer;
  const KeyedQuestion question = keyed_question(key);
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, answer.wire.data(), answer.wire.size()) != LDNS_STATUS_OK) return {};
  const dns::LdnsPkt packet(parsed);
  const dns::LdnsStr type(ldns_rr_type2str(static_cast<ldns_rr_type>(question.qtype)));
  const dns::LdnsStr rcode(ldns_pkt_rcode2str(ldns_pkt_get_rcode(packet.get())));
  std::vector<std::string> lines{
      "; " + dns::to_text(question.qname) + " " + type.get() + " " + rcode.get() +
      " security=" + to_string(answer.security) +
      " upstream=" + (answer.upstream.empty() ? "-" : answer.upstream) +
      " ttl=" + std::to_string((answer.expires_ms - now_ms) / 1000)};
  const auto elapsed = static_cast<uint32_t>((now_ms - answer.stored_ms) / 1000);
  for (const ldns_rr_list* section : {ldns_pkt_answer(packet.get()), ldns_pkt_authority(packet.get())}) {
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
      ldns_rr* rr = ldns_rr_list_rr(section, i);
      const uint32_t ttl = ldns_rr_ttl(rr);
      ldns_rr_set_ttl(rr, ttl > elapsed ? ttl - elapsed : 0);
      const dns::LdnsStr text(ldns_rr2str(rr));
      std::string line = text.get() != nullptr ? text.get() : "";
      while (!line.empty() && line.back() == '\n') line.pop_back();
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

std::vector<std::string> MessageCache::dump(uint64_t now_ms) const {
  std::vector<std::string> lines;
  for (const auto& [key, entry] : entries_) {
    if (entry.answer.expires_ms <= now_ms) continue;
    auto block = listing(key, entry, now_ms);
    lines.insert(lines.end(), block.begin(), block.end());
  }
  return lines;
}

std::vector<std::string> MessageCache::lookup(dns::Bytes name, uint16_t qtype,
                                              uint64_t now_ms) const {
  std::vector<std::string> lines;
  for (const auto& [key, entry] : entries_) {
    const KeyedQuestion question = keyed_question(key);
    if (entry.answer.expires_ms <= now_ms || !dns::equal_ignoring_case(question.qname, name) ||
        (qtype != 0 && question.qtype != qtype)) {
      continue;
    }
    auto block = listing(key, entry, now_ms);
    lines.insert(lines.end(), block.begin(), block.end());
  }
  return lines;
}

std::size_t MessageCache::flush(dns::Bytes name, bool subtree) {
  std::size_t flushed = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const KeyedQuestion question = keyed_question(it->first);
    if (subtree ? dns::is_at_or_below(question.qname, name)
                : dns::equal_ignoring_case(question.qname, name)) {
      recency_.erase(it->second.recency);
      it = entries_.erase(it);
      ++flushed;
    } else {
      ++it;
    }
  }
  return flushed;
}

void MessageCache::clear() {
  entries_.clear();
  recency_.clear();
}

}  // namespace vigil::cache
