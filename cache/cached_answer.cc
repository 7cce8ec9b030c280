#include "cache/cached_answer.h"

#include <cstring>
#include <limits>
#include <new>

#include "cache/message_cache.h"

namespace vigil::cache {

namespace {

constexpr std::size_t kMaxRRsetsPerAnswer = 127;  // 7 bits; a CNAME chain has at most 11 links
constexpr std::size_t kOptFixedFields = 11;      // root name, type, class, TTL, RDLENGTH

bool is_same(const dns::PackedLayout& a, const dns::PackedLayout& b) {
  return a.question_name_length == b.question_name_length && a.question_end == b.question_end &&
         a.additional_start == b.additional_start && a.opt_offset == b.opt_offset &&
         a.opt_end == b.opt_end && a.additional_before_opt == b.additional_before_opt &&
         a.end == b.end;
}

}  // namespace

AnswerRef CachedAnswer::create(const AnswerParts& parts, ByteLedger& ledger) {
  if (parts.wire.size() > std::numeric_limits<uint16_t>::max() ||
      parts.ttl_offsets.size() > std::numeric_limits<uint16_t>::max() ||
      parts.rrsets.size() > kMaxRRsetsPerAnswer ||
      parts.packed_layout.question_name_length == 0 ||
      parts.packed_layout.question_name_length > std::numeric_limits<uint8_t>::max()) {
    return {};
  }
  PlainForm* plain = nullptr;
  if (!parts.plain_wire.empty()) {
    plain = new PlainForm{parts.plain_wire, {}, {}};
    const auto parsed = dns::parse_message(plain->wire);
    if (!parsed.ok()) {
      delete plain;
      return {};
    }
    plain->layout = parsed.layout;
    plain->ttl_offsets = cache::ttl_offsets(plain->wire);
  }
  const std::size_t offsets_bytes = parts.ttl_offsets.size() * sizeof(uint16_t);
  const std::size_t rrsets_bytes = parts.rrsets.size() * sizeof(EntryRef);
  const std::size_t plain_bytes = plain != nullptr ? sizeof(void*) : 0;
  void* memory = ::operator new(sizeof(CachedAnswer) + offsets_bytes + rrsets_bytes + plain_bytes +
                                parts.wire.size());
  auto* answer = new (memory) CachedAnswer();
  answer->stored_ms = parts.stored_ms;
  answer->ledger_ = &ledger;
  answer->original_ttl = parts.ttl;
  answer->security = parts.security;
  answer->upstream = parts.upstream;
  answer->group = parts.group;
  answer->additional_start_ = parts.packed_layout.additional_start;
  answer->opt_offset_ = parts.packed_layout.opt_offset;
  answer->additional_before_opt_ = parts.packed_layout.additional_before_opt;
  answer->qname_length_ = static_cast<uint8_t>(parts.packed_layout.question_name_length);
  answer->wire_size_ = static_cast<uint16_t>(parts.wire.size());
  answer->offset_count_ = static_cast<uint16_t>(parts.ttl_offsets.size());
  answer->rrset_count_ = static_cast<uint8_t>(parts.rrsets.size()) & 0x7f;
  answer->has_plain_ = plain != nullptr ? 1 : 0;
  answer->refs_ = 1;
  // The trailer is written byte-wise: after the header only the TTL offsets are aligned.
  auto* trailer = static_cast<uint8_t*>(memory) + sizeof(CachedAnswer);
  if (offsets_bytes > 0) std::memcpy(trailer, parts.ttl_offsets.data(), offsets_bytes);
  if (rrsets_bytes > 0) std::memcpy(trailer + answer->rrsets_at(), parts.rrsets.data(), rrsets_bytes);
  if (plain != nullptr) std::memcpy(trailer + answer->plain_at(), &plain, sizeof(void*));
  if (!parts.wire.empty()) std::memcpy(trailer + answer->wire_at(), parts.wire.data(), parts.wire.size());
  ledger.bytes += answer->allocated_bytes();
  AnswerRef ref(answer);
  // The offsets left out must follow from the wire form (one question, the OPT record where the
  // layout says); a message where they do not is not kept.
  if (!is_same(answer->packed_layout(), parts.packed_layout)) return {};
  return ref;
}

dns::PackedLayout CachedAnswer::packed_layout() const {
  dns::PackedLayout packed;
  packed.question_name_length = qname_length_;
  packed.question_end = static_cast<uint16_t>(dns::kHeaderSize + qname_length_ + 4);
  packed.additional_start = additional_start_;
  packed.additional_before_opt = additional_before_opt_;
  packed.end = wire_size_;
  if (opt_offset_ != 0 && std::size_t{opt_offset_} + kOptFixedFields <= wire_size_) {
    packed.opt_offset = opt_offset_;
    packed.opt_end = static_cast<uint16_t>(opt_offset_ + kOptFixedFields +
                                           dns::read_u16(wire().data() + opt_offset_ + 9));
  }
  return packed;
}

EntryRef CachedAnswer::rrset(std::size_t i) const {
  EntryRef ref;
  std::memcpy(&ref, trailer() + rrsets_at() + i * sizeof(EntryRef), sizeof ref);
  return ref;
}

PlainForm* CachedAnswer::plain_form() const {
  if (!has_plain_) return nullptr;
  PlainForm* plain = nullptr;
  std::memcpy(&plain, trailer() + plain_at(), sizeof(void*));
  return plain;
}

const std::vector<uint8_t>* CachedAnswer::plain() const {
  static const std::vector<uint8_t> kNone;
  const PlainForm* form = plain_form();
  return form != nullptr ? &form->wire : &kNone;
}

const dns::MessageLayout* CachedAnswer::plain_layout() const {
  const PlainForm* form = plain_form();
  return form != nullptr ? &form->layout : nullptr;
}

std::span<const uint16_t> CachedAnswer::plain_ttl_offsets() const {
  const PlainForm* form = plain_form();
  return form != nullptr ? std::span<const uint16_t>(form->ttl_offsets) : std::span<const uint16_t>();
}

uint16_t CachedAnswer::qtype() const {
  return dns::read_u16(wire().data() + dns::kHeaderSize + qname_length_);
}

uint16_t CachedAnswer::qclass() const {
  return dns::read_u16(wire().data() + dns::kHeaderSize + qname_length_ + 2);
}

std::size_t CachedAnswer::allocated_bytes() const {
  std::size_t bytes = heap_block_bytes(block_size());
  if (const PlainForm* form = plain_form()) {
    bytes += heap_block_bytes(sizeof(PlainForm)) + heap_block_bytes(form->wire.capacity()) +
             heap_block_bytes(form->ttl_offsets.capacity() * sizeof(uint16_t));
  }
  return bytes;
}

void AnswerRef::set_rrset(std::size_t i, EntryRef ref) {
  if (answer_ == nullptr || i >= answer_->rrset_count_) return;
  auto* trailer = reinterpret_cast<uint8_t*>(answer_) + sizeof(CachedAnswer);
  std::memcpy(trailer + answer_->rrsets_at() + i * sizeof(EntryRef), &ref, sizeof ref);
}

void AnswerRef::acquire() {
  if (answer_ != nullptr) ++answer_->refs_;
}

void AnswerRef::release() {
  if (answer_ == nullptr || --answer_->refs_ > 0) return;
  answer_->ledger_->bytes -= answer_->allocated_bytes();
  delete answer_->plain_form();
  answer_->~CachedAnswer();
  ::operator delete(static_cast<void*>(answer_));
  answer_ = nullptr;
}

}  // namespace vigil::cache
